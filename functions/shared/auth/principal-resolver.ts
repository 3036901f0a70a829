import type { Member } from '#schemas/accounts/entities';
import type { StaffMember } from '#schemas/accounts/staff';
import { UnauthenticatedError } from '../errors';
import type { RouteAccess } from '../http/route';
import type { CustomerPrincipal, Principal, VerifiedToken, WorkforcePrincipal } from './principal';

/**
 * Port: the membership and staff records authorization reads on every request, and the one write it
 * makes (a first sign-in ends an invitation).
 */
export interface MembershipRecords {
  getMember(userId: string): Promise<Member | null>;
  /** PACScribe's own staff, by workforce-pool subject; null when they have no record. */
  getStaffMember(staffId: string): Promise<StaffMember | null>;
  /** Records that an invited user has signed in; false if the invitation was already accepted. */
  acceptInvitation(userId: string): Promise<boolean>;
}

/**
 * Turns a verified token into a principal from the membership record, read on every request so a
 * disabled user, a changed permission or a sign-out takes effect at once.
 */
export async function resolveCustomerPrincipal(
  token: VerifiedToken,
  memberships: MembershipRecords,
  now: Date,
): Promise<CustomerPrincipal> {
  if (token.pool !== 'customers') throw new UnauthenticatedError('This token cannot be used here.');
  const member = await memberships.getMember(token.subject);
  if (member?.status !== 'active') throw new UnauthenticatedError('The account is not active.');
  assertIssuedAfter(token, member.tokensValidAfter);
  if (member.invitationExpiresAt) {
    // Enforced here as well as by the pool's temporary-password validity.
    if (Date.parse(member.invitationExpiresAt) < now.getTime()) {
      throw new UnauthenticatedError('The invitation has expired; ask an administrator to resend it.');
    }
    await memberships.acceptInvitation(member.userId);
  }
  return {
    kind: 'customer',
    userId: member.userId,
    orgId: member.orgId,
    role: member.role,
    permissions: new Set(member.permissions),
    ...(member.acceptedPolicyVersion === undefined
      ? {}
      : { acceptedPolicyVersion: member.acceptedPolicyVersion }),
  };
}

/**
 * Staff tokens only, checked against the staff record on every request as a customer's are against the
 * membership: a missing or disabled record, or a token issued before the record's cut-off, is refused at
 * once; the groups are the record's (authoritative), whatever the token still says.
 */
export async function resolveWorkforcePrincipal(
  token: VerifiedToken,
  records: MembershipRecords,
): Promise<WorkforcePrincipal> {
  if (token.pool !== 'support') throw new UnauthenticatedError('This token cannot be used here.');
  const staff = await records.getStaffMember(token.subject);
  if (staff?.status !== 'active') throw new UnauthenticatedError('The staff account is not active.');
  assertIssuedAfter(token, staff.tokensValidAfter);
  return { kind: 'workforce', staffId: staff.staffId, groups: [...staff.groups] };
}

/** Token iat has one-second resolution, so the cut-off is compared in whole seconds. */
function assertIssuedAfter(token: VerifiedToken, tokensValidAfter: string): void {
  const validAfterSeconds = Math.floor(Date.parse(tokensValidAfter) / 1000);
  if (Math.floor(token.issuedAt.getTime() / 1000) < validAfterSeconds) {
    throw new UnauthenticatedError('The session has ended; sign in again.');
  }
}

/** A route's population decides which pool's tokens it takes: customers and staff never cross. */
export function resolvePrincipal(
  access: RouteAccess,
  token: VerifiedToken,
  memberships: MembershipRecords,
  now: Date,
): Promise<Principal> {
  return access.kind === 'workforce'
    ? resolveWorkforcePrincipal(token, memberships)
    : resolveCustomerPrincipal(token, memberships, now);
}
