import * as z from 'zod';
import { IdSchema } from '../accounts/entities';

/** Why support needs to look: recorded in every audit record made under the grant [PP-09]. */
export const GrantReasonSchema = z
  .string()
  .trim()
  .min(10, 'say why access is needed (at least 10 characters)')
  .max(500)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const DEFAULT_GRANT_MINUTES = 60;
export const MAX_GRANT_MINUTES = 240;

export const CreateGrantBodySchema = z
  .object({
    orgId: IdSchema,
    ticketId: IdSchema,
    reason: GrantReasonSchema,
    durationMinutes: z.number().int().min(5).max(MAX_GRANT_MINUTES).default(DEFAULT_GRANT_MINUTES),
  })
  .strict()
  .meta({ id: 'CreateSupportGrantBody' });
export type CreateGrantBody = z.infer<typeof CreateGrantBodySchema>;

/**
 * pending-approval: the organization requires an administrator's approval and none was given yet;
 * active: usable until expiresAt; revoked: ended early by an administrator.
 */
export const GrantStatusSchema = z.enum(['pending-approval', 'active', 'revoked']);

export const SupportGrantSchema = z
  .object({
    grantId: IdSchema,
    orgId: IdSchema,
    ticketId: IdSchema,
    staffId: z.string().min(1).max(128),
    reason: z.string(),
    status: GrantStatusSchema,
    durationMinutes: z.number().int(),
    createdAt: z.iso.datetime(),
    /** Set when the grant became usable (at once, or at approval). */
    startsAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    approvedBy: IdSchema.nullable(),
    revokedAt: z.iso.datetime().nullable(),
    revokedBy: IdSchema.nullable(),
  })
  .meta({ id: 'SupportGrant' });
export type SupportGrant = z.infer<typeof SupportGrantSchema>;

export const GrantCreatedSchema = z
  .object({
    grantId: IdSchema,
    status: GrantStatusSchema,
    expiresAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'SupportGrantCreated' });

/** An organization's support settings. */
export const SupportSettingsSchema = z
  .object({
    /** When true, a support engineer's grant stays unusable until an administrator approves it. */
    requireApproval: z.boolean(),
  })
  .strict()
  .meta({ id: 'SupportSettings' });
export type SupportSettings = z.infer<typeof SupportSettingsSchema>;

/** One request made under a grant, as the audit trail recorded it. */
export const SupportAccessEntrySchema = z.object({
  at: z.iso.datetime(),
  event: z.string(),
  route: z.string(),
  httpStatus: z.number().int(),
  objects: z.array(z.object({ type: z.string(), id: z.string() })),
});

export const SupportAccessLogSchema = z
  .object({
    grants: z.array(SupportGrantSchema.extend({ accesses: z.array(SupportAccessEntrySchema) })),
  })
  .meta({ id: 'SupportAccessLog' });
export type SupportAccessLog = z.infer<typeof SupportAccessLogSchema>;

export const SupportAccessQuerySchema = z
  .object({
    /** Grants created at or after this instant; default 90 days back. */
    from: z.iso.datetime().optional(),
  })
  .strict();
