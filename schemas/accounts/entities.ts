import * as z from 'zod';
import { ActionSchema, RoleSchema } from './roles';

/** Free text typed by people: trimmed, bounded, no control characters (they break mail headers and CSV). */
export const DisplayTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((email) => email.toLowerCase());

export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed id');

export const OrganizationSchema = z
  .object({
    orgId: IdSchema,
    name: DisplayTextSchema,
    createdAt: z.iso.datetime(),
    createdBy: IdSchema,
    /** Active administrators; kept in the same transactions as memberships so the last one stays. */
    adminCount: z.number().int().nonnegative().default(0),
  })
  .meta({ id: 'Organization' });
export type Organization = z.infer<typeof OrganizationSchema>;

export const MemberStatusSchema = z.enum(['active', 'disabled']);

/** A person's membership of one organization: the server-side source of their permissions. */
export const MemberSchema = z
  .object({
    userId: IdSchema,
    orgId: IdSchema,
    email: z.email(),
    name: DisplayTextSchema,
    role: RoleSchema,
    /** The professional role given at sign-up, kept for the record [PP-01]. */
    professionalRole: RoleSchema,
    permissions: z.array(ActionSchema),
    status: MemberStatusSchema,
    /** Tokens issued before this instant are refused (sign-out everywhere, disable). */
    tokensValidAfter: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    createdBy: IdSchema,
    /** Set while the temporary password of an invitation is unused; sign-in after it is refused. */
    invitationExpiresAt: z.iso.datetime().optional(),
    /** The privacy policy version this member's continued use accepted last [PP-24]. */
    acceptedPolicyVersion: z.number().int().min(1).optional(),
    /** The material policy update this member was notified of last [PP-23]. */
    policyNoticeVersion: z.number().int().min(1).optional(),
    /** The notice they acknowledged (GET /v1/me shows a notice until this reaches policyNoticeVersion). */
    policyNoticeAcknowledgedVersion: z.number().int().min(1).optional(),
    /** When the transactional welcome mail went out; set once. */
    welcomedAt: z.iso.datetime().optional(),
    /**
     * Incremented by every write of the access attributes (role, permissions, status, tokensValidAfter,
     * invitation); each such write is conditional on the version it read. Absent on records written before
     * versions existed, which count as unversioned until their first versioned write.
     */
    version: z.number().int().nonnegative().optional(),
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof MemberSchema>;
