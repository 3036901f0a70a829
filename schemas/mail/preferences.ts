import * as z from 'zod';
import { IdSchema } from '../accounts/entities';

/**
 * Marketing mail goes only to providers (radiologists, clinicians) and facility administrators who opted
 * in [PP-19]; technologists are never in its audience. Consent is opt-in: nobody is subscribed until
 * they say so, and anyone may withdraw at any time [PP-03, PP-20].
 */
export const MARKETING_ROLES = ['administrator', 'radiologist', 'clinician'] as const;

/** The SES contact-list topic every marketing mail is sent under; one topic, so one switch for people. */
export const MARKETING_TOPIC = 'marketing';

/** The marketing systems an opt-out reaches, in the order the propagation workflow visits them [PP-21]. */
export const MARKETING_SYSTEMS = ['preference-record', 'ses-contact-list', 'audience-export'] as const;
export const MarketingSystemSchema = z.enum(MARKETING_SYSTEMS);
export type MarketingSystem = z.infer<typeof MarketingSystemSchema>;

/** Opt-outs must reach every marketing system within this many US business days [PP-21]. */
export const OPT_OUT_DEADLINE_BUSINESS_DAYS = 10;

/** One change of a marketing preference as it travels to every marketing system. */
export const PropagationSchema = z
  .object({
    propagationId: IdSchema,
    direction: z.enum(['opt-out', 'opt-in']),
    requestedAt: z.iso.datetime(),
    /** The last US business day (America/New_York) by which an opt-out must be complete, and its end. */
    deadlineDate: z.iso.date(),
    deadlineAt: z.iso.datetime(),
    status: z.enum(['in-progress', 'complete']),
    /** When each marketing system applied the change. */
    systems: z.partialRecord(MarketingSystemSchema, z.iso.datetime()),
    completedAt: z.iso.datetime().nullable(),
    /** An opt-out not complete by its deadline (or completed after it). */
    overdue: z.boolean(),
  })
  .meta({ id: 'PreferencePropagation' });
export type Propagation = z.infer<typeof PropagationSchema>;

export const CommunicationPreferencesSchema = z
  .object({
    transactional: z.object({
      /** Always true: account, billing, security, service and policy mail [PP-22]. */
      enabled: z.literal(true),
      changeable: z.literal(false),
      description: z.string(),
    }),
    marketing: z.object({
      subscribed: z.boolean(),
      /** Whether the caller's role is in the marketing audience at all (providers and administrators). */
      eligible: z.boolean(),
      updatedAt: z.iso.datetime().nullable(),
    }),
    /** The latest change's propagation to every marketing system; null before any change. */
    latestPropagation: PropagationSchema.nullable(),
  })
  .meta({ id: 'CommunicationPreferences' });
export type CommunicationPreferences = z.infer<typeof CommunicationPreferencesSchema>;

/**
 * PUT body. `transactional` may be sent, but only as enabled: a request to turn it off is refused with
 * 400 transactional_mail_required [PP-22].
 */
export const UpdateCommunicationPreferencesBodySchema = z.strictObject({
  marketing: z.strictObject({ subscribed: z.boolean() }),
  transactional: z.strictObject({ enabled: z.boolean() }).optional(),
});
export type UpdateCommunicationPreferencesBody = z.infer<typeof UpdateCommunicationPreferencesBodySchema>;

/** The stored preference record (mail table, USER#<userId> / PREFS). */
export interface PreferenceRecord {
  userId: string;
  orgId: string;
  marketing: boolean;
  updatedAt: string;
  latestPropagationId: string | null;
}

/** The result of the one-click unsubscribe (POST) and of reading the link (GET, which changes nothing). */
export const UnsubscribeResultSchema = z
  .object({
    status: z.enum(['unsubscribed', 'already-unsubscribed']),
    propagationId: IdSchema.nullable(),
  })
  .meta({ id: 'UnsubscribeResult' });
export type UnsubscribeResult = z.infer<typeof UnsubscribeResultSchema>;

/** A signed unsubscribe token: base64url payload, a dot, base64url HMAC-SHA256. No address, no PHI. */
export const UnsubscribeTokenSchema = z
  .string()
  .min(16)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
