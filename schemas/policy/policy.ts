import * as z from 'zod';
import { IdSchema } from '#schemas/accounts/entities';

/** A policy version: 1, 2, 3 … in the order they were written (policies/privacy/<version>.md). */
export const PolicyVersionSchema = z.coerce.number().int().min(1).max(100_000);
/** The same, as a path parameter. */
export const PolicyVersionParameterSchema = z.string().regex(/^[1-9][0-9]{0,5}$/, 'malformed version');

const IsoDateSchema = z.iso.date();

/** The front matter every policy document opens with. */
export const PolicyFrontMatterSchema = z.strictObject({
  version: z.number().int().min(1).max(100_000),
  /** The "Last Updated" date the policy shows [PP-23]. */
  lastUpdated: IsoDateSchema,
  /** From this date the version is in force, and continued use accepts it [PP-24]. */
  effectiveDate: IsoDateSchema,
  /** Material changes are notified to every active user [PP-23]. */
  material: z.boolean(),
  summary: z.string().trim().min(1).max(2000),
});
export type PolicyFrontMatter = z.infer<typeof PolicyFrontMatterSchema>;

/** One version as the API describes it, without its text. */
export const PolicyVersionSummarySchema = PolicyFrontMatterSchema.extend({
  /** When `npm run policy:publish` recorded it; null while not yet published. */
  publishedAt: z.iso.datetime().nullable(),
}).meta({ id: 'PrivacyPolicyVersionSummary' });
export type PolicyVersionSummary = z.infer<typeof PolicyVersionSummarySchema>;

export const PolicyDocumentSchema = PolicyVersionSummarySchema.extend({
  markdown: z.string(),
  /** The Markdown rendered and sanitized (no scripts, no event handlers, http(s)/mailto links only). */
  html: z.string(),
  /** The version in force, null before the first effective date. */
  current: z.number().int().nullable(),
  /** Every version, newest first, without their text. */
  versions: z.array(PolicyVersionSummarySchema),
}).meta({ id: 'PrivacyPolicyDocument' });

/** ?version=N reads an older (or newer, not yet effective) version; without it, the one in force. */
export const PolicyDocumentQuerySchema = z.object({ version: PolicyVersionSchema.optional() });
export type PolicyDocumentView = z.infer<typeof PolicyDocumentSchema>;

export const PolicyVersionListSchema = z
  .object({
    /** The version in force, null before the first effective date. */
    current: z.number().int().nullable(),
    versions: z.array(PolicyVersionSummarySchema),
  })
  .meta({ id: 'PrivacyPolicyVersions' });
export type PolicyVersionList = z.infer<typeof PolicyVersionListSchema>;

/** A member's continued use recorded as acceptance of the version in force [PP-24]. */
export const PolicyAcceptanceSchema = z
  .object({
    orgId: IdSchema,
    userId: IdSchema,
    version: z.number().int().min(1),
    acceptedAt: z.iso.datetime(),
  })
  .meta({ id: 'PrivacyPolicyAcceptance' });
export type PolicyAcceptance = z.infer<typeof PolicyAcceptanceSchema>;

export const PolicyAcceptanceQuerySchema = z.object({ version: PolicyVersionSchema.optional() });

export const PolicyAcceptanceListSchema = z
  .object({ acceptances: z.array(PolicyAcceptanceSchema) })
  .meta({ id: 'PrivacyPolicyAcceptances' });

/** A material update the member has not yet acknowledged, shown on GET /v1/me [PP-23]. */
export const PolicyNoticeSchema = z
  .object({
    version: z.number().int().min(1),
    lastUpdated: IsoDateSchema,
    effectiveDate: IsoDateSchema,
    summary: z.string(),
  })
  .meta({ id: 'PrivacyPolicyNotice' });
export type PolicyNotice = z.infer<typeof PolicyNoticeSchema>;

export const AcknowledgeNoticeResultSchema = z
  .object({ acknowledgedVersion: z.number().int().nullable() })
  .meta({ id: 'PrivacyPolicyNoticeAcknowledged' });

/** What `npm run policy:publish` reports. */
export const PublicationResultSchema = z.object({
  version: z.number().int(),
  material: z.boolean(),
  /** False when the version had been published before (the run only finished any notices left). */
  newlyPublished: z.boolean(),
  activeUsers: z.number().int(),
  notified: z.number().int(),
  alreadyNotified: z.number().int(),
});
export type PublicationResult = z.infer<typeof PublicationResultSchema>;
