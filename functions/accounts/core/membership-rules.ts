import type { Member } from '#schemas/accounts/entities';
import { type Action, CLINICAL_PERMISSIONS, type Role } from '#schemas/accounts/roles';
import type { OrganizationReader, CustomerPrincipal as Principal } from '../../shared/auth/principal';
import { ForbiddenError, NotFoundError } from '../../shared/errors';

/**
 * Counts toward the organization's administrators: the last one may not be demoted, disabled, removed
 * or stripped of user management, so the organization can always manage itself.
 */
export const isActiveAdministrator = (member: Member) =>
  member.role === 'administrator' &&
  member.status === 'active' &&
  member.permissions.includes('manage-users');

/** Another organization's member answers exactly like a missing one. */
export function memberOfCallerOrganization(member: Member | null, principal: OrganizationReader): Member {
  if (!member || member.orgId !== principal.orgId) throw new NotFoundError('User not found.');
  return member;
}

/** Nobody changes their own access: that is how permissions would be raised. */
export function assertNotSelf(target: Member, principal: Principal): void {
  if (target.userId === principal.userId) {
    throw new ForbiddenError(
      'You cannot change your own role, permissions or status; ask another administrator.',
    );
  }
}

/** Only administrators change an administrator's access; delegated user managers cannot lock them out. */
export function assertMayManage(target: Member, principal: Principal): void {
  assertNotSelf(target, principal);
  if (target.role === 'administrator' && principal.role !== 'administrator') {
    throw new ForbiddenError("Only an administrator can change another administrator's access.");
  }
}

/** The access a user manager hands out: a role and the permissions that come with it. */
export interface GrantedAccess {
  role: Role;
  /** The effective set: the explicit list, or the role's defaults when none was given. */
  permissions: readonly Action[];
}

/**
 * Nobody hands out access they could not hold themselves, so delegated user management cannot escalate:
 * the target's effective permissions (a role's defaults count as granted) must be a subset of the
 * caller's, and the administrator role, which alone may manage other administrators, is given only by an
 * administrator. Creating, promoting, re-inviting (a fresh temporary password is a credential for that
 * access) and re-enabling a user all hand out access, so all of them go through here.
 */
export function assertMayGrant(access: GrantedAccess, principal: Principal): void {
  if (access.role === 'administrator' && principal.role !== 'administrator') {
    throw new ForbiddenError('Only an administrator can create, invite or promote an administrator.');
  }
  const missing = [...new Set(access.permissions)].filter(
    (action) => !principal.permissions.has(action) && !CLINICAL_PERMISSIONS.includes(action),
  );
  if (missing.length > 0) {
    throw new ForbiddenError(`You cannot grant permissions you do not hold: ${missing.join(', ')}.`);
  }
}

/** Rounded up to the next whole second, because token `iat` has one-second resolution. */
export function revocationInstant(now: Date): string {
  return new Date(Math.ceil(now.getTime() / 1000) * 1000).toISOString();
}

/** The later of two cut-offs: a token cut-off never moves backwards. */
export function laterInstant(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
