import * as z from 'zod';
import { DisplayTextSchema, IdSchema, MemberStatusSchema } from './entities';

/** Groups of PACScribe's own staff in the separate workforce (support) pool. */
export const WORKFORCE_GROUPS = ['support-engineer', 'compliance-reviewer'] as const;
export const WorkforceGroupSchema = z.enum(WORKFORCE_GROUPS);
export type WorkforceGroup = z.infer<typeof WorkforceGroupSchema>;

/**
 * One member of PACScribe's staff, the server-side source of their access as a membership is a
 * customer's: read on every workforce request, so a disable, a group change or a session cut-off takes
 * effect at once rather than when the token expires. Managed by ops with `npm run staff`.
 */
export const StaffMemberSchema = z.object({
  /** The workforce pool's subject (`sub`) for this person. */
  staffId: IdSchema,
  email: z.email(),
  name: DisplayTextSchema,
  /** Authoritative: a workforce route's group is checked against these, not the token's groups. */
  groups: z.array(WorkforceGroupSchema),
  status: MemberStatusSchema,
  /** Tokens issued before this instant are refused (a disable, or the moment the record was added). */
  tokensValidAfter: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  /** Who added the record (the operator's name as the CLI was given it, or `local-seed`). */
  createdBy: DisplayTextSchema,
  updatedAt: z.iso.datetime().optional(),
  updatedBy: DisplayTextSchema.optional(),
  /** Incremented by every change; each change is conditional on the version it read. */
  version: z.number().int().nonnegative().optional(),
});
export type StaffMember = z.infer<typeof StaffMemberSchema>;
