import { SupportAccessRefusedError } from '../errors';
import type { SupportPrincipal, VerifiedToken } from './principal';
import type { MembershipRecords } from './principal-resolver';
import { resolveWorkforcePrincipal } from './principal-resolver';

/** A support access grant as authorization reads it (the support context owns the record). */
export interface SupportGrantRecord {
  grantId: string;
  orgId: string;
  ticketId: string;
  staffId: string;
  reason: string;
  status: 'pending-approval' | 'active' | 'revoked';
  expiresAt: string | null;
}

/** Port: a grant by id, read on every request made under it so a revoke or expiry counts at once. */
export interface SupportGrantLookup {
  getGrant(grantId: string): Promise<SupportGrantRecord | null>;
}

/** The only staff group that may look at a customer's organization, and only under a grant. */
export const SUPPORT_ENGINEER_GROUP = 'support-engineer';

const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A support engineer's request under `X-Support-Grant`: the staff record (active, in the support-engineer
 * group), then the grant (theirs, active, unexpired). `onTarget` learns the grant's organization as soon
 * as the grant is read, so a refusal is recorded in the trail of the organization it targeted.
 */
export async function resolveSupportPrincipal(
  token: VerifiedToken,
  grantId: string,
  deps: { records: MembershipRecords; grants: SupportGrantLookup | undefined; now: Date },
  onTarget: (grant: SupportGrantRecord) => void,
): Promise<SupportPrincipal> {
  const staff = await resolveWorkforcePrincipal(token, deps.records);
  const refuse = (message: string) => new SupportAccessRefusedError('support_grant_invalid', message);
  if (!GRANT_ID.test(grantId) || !deps.grants) throw refuse('The support access grant is not valid.');
  const grant = await deps.grants.getGrant(grantId);
  if (!grant) throw refuse('The support access grant is not valid.');
  onTarget(grant);
  if (!staff.groups.includes(SUPPORT_ENGINEER_GROUP) || grant.staffId !== staff.staffId) {
    throw refuse('The support access grant is not valid.');
  }
  if (grant.status === 'pending-approval') throw refuse('The grant awaits an administrator’s approval.');
  if (grant.status !== 'active' || !grant.expiresAt) throw refuse('The grant has been revoked.');
  if (Date.parse(grant.expiresAt) <= deps.now.getTime()) throw refuse('The grant has expired.');
  return {
    kind: 'support',
    staffId: staff.staffId,
    orgId: grant.orgId,
    grant: {
      grantId: grant.grantId,
      ticketId: grant.ticketId,
      reason: grant.reason,
      expiresAt: grant.expiresAt,
    },
    permissions: new Set(['view']),
  };
}
