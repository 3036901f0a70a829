import type { Member } from '#schemas/accounts/entities';
import { PASSWORD_POLICY } from '#schemas/accounts/password-policy';
import { DEFAULT_PERMISSIONS } from '#schemas/accounts/roles';
import type {
  CreateUserBody,
  UpdateProfileBody,
  UpdateUserBody,
  UserList,
  UserView,
} from '#schemas/accounts/users';
import type { OrganizationReader, CustomerPrincipal as Principal } from '../../shared/auth/principal';
import { ConflictError, DependencyUnavailableError, DomainError, NotFoundError } from '../../shared/errors';
import {
  assertMayGrant,
  assertMayManage,
  laterInstant,
  memberOfCallerOrganization,
  revocationInstant,
} from './membership-rules';
import type { AccountsRepository, Clock, IdentityDirectory, InvitationSender } from './ports';

export interface UserManagementDeps {
  accounts: AccountsRepository;
  identities: IdentityDirectory;
  invitations: InvitationSender;
  clock: Clock;
}

const DAY_MS = 24 * 3600 * 1000;

/** An invitation lasts as long as the pool's temporary password. */
const invitationExpiry = (now: Date) =>
  new Date(now.getTime() + PASSWORD_POLICY.tempPasswordValidityDays * DAY_MS);

export function toUserView(member: Member): UserView {
  return {
    userId: member.userId,
    email: member.email,
    name: member.name,
    role: member.role,
    permissions: [...member.permissions].sort(),
    status: member.status,
    createdAt: member.createdAt,
    invitationExpiresAt: member.invitationExpiresAt ?? null,
  };
}

async function loadTarget(
  deps: Pick<UserManagementDeps, 'accounts'>,
  principal: OrganizationReader,
  userId: string,
) {
  return memberOfCallerOrganization(await deps.accounts.getMember(userId), principal);
}

async function organizationName(deps: Pick<UserManagementDeps, 'accounts'>, principal: Principal) {
  const organization = await deps.accounts.getOrganization(principal.orgId);
  if (!organization) throw new NotFoundError('Organization not found.');
  return organization.name;
}

/** Runs the undo steps if `work` fails, then reports the failure without leaking internals. */
async function withUndo<T>(undo: (() => Promise<unknown>)[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await Promise.allSettled(undo.map((step) => step()));
    if (error instanceof DomainError) throw error;
    throw new DependencyUnavailableError(
      'The change could not be completed; nothing was kept. Please retry.',
    );
  }
}

/**
 * Creates a separate login for one person [PP-06]: a Cognito user with a temporary password that must be
 * changed at first sign-in, mailed to them, expiring after the pool's validity period.
 */
export async function createUser(
  deps: UserManagementDeps,
  principal: Principal,
  body: CreateUserBody,
): Promise<UserView> {
  const permissions = body.permissions ?? [...DEFAULT_PERMISSIONS[body.role]];
  assertMayGrant({ role: body.role, permissions }, principal);
  const orgName = await organizationName(deps, principal);
  const { userId, temporaryPassword } = await deps.identities.inviteUser({
    email: body.email,
    name: body.name,
  });
  const undo: (() => Promise<unknown>)[] = [() => deps.identities.deleteUser(body.email)];
  return withUndo(undo, async () => {
    const now = deps.clock.now();
    const expiresAt = invitationExpiry(now);
    const member: Member = {
      userId,
      orgId: principal.orgId,
      email: body.email,
      name: body.name,
      role: body.role,
      professionalRole: body.role,
      permissions: [...new Set(permissions)],
      status: 'active',
      tokensValidAfter: now.toISOString(),
      createdAt: now.toISOString(),
      createdBy: principal.userId,
      invitationExpiresAt: expiresAt.toISOString(),
    };
    const stored = await deps.accounts.addMember(member);
    undo.unshift(() => deps.accounts.removeMember(stored));
    await deps.identities.addToGroup(body.email, body.role);
    await deps.invitations.send({
      email: member.email,
      name: member.name,
      organizationName: orgName,
      temporaryPassword,
      expiresAt,
    });
    return toUserView(member);
  });
}

export async function listUsers(
  deps: Pick<UserManagementDeps, 'accounts'>,
  principal: OrganizationReader,
): Promise<UserList> {
  const members = await deps.accounts.listMembers(principal.orgId);
  return { users: members.map(toUserView).sort((a, b) => a.email.localeCompare(b.email)) };
}

export async function getUser(
  deps: Pick<UserManagementDeps, 'accounts'>,
  principal: OrganizationReader,
  userId: string,
) {
  return toUserView(await loadTarget(deps, principal, userId));
}

/** Changes a user's role and/or individual permissions; a role change alone resets to the role's defaults. */
export async function updateUserAccess(
  deps: UserManagementDeps,
  principal: Principal,
  userId: string,
  body: UpdateUserBody,
): Promise<UserView> {
  const target = await loadTarget(deps, principal, userId);
  assertMayManage(target, principal);
  const role = body.role ?? target.role;
  const permissions = body.permissions ?? (body.role ? [...DEFAULT_PERMISSIONS[role]] : target.permissions);
  assertMayGrant({ role, permissions }, principal);
  const next: Member = { ...target, role, permissions: [...new Set(permissions)] };
  const stored = await deps.accounts.replaceMember(target, next);
  if (role !== target.role) {
    const undo = () =>
      deps.accounts.replaceMember(stored, { ...stored, role: target.role, permissions: target.permissions });
    await withUndo([undo], () => deps.identities.moveToGroup(target.email, target.role, role));
  }
  return toUserView(stored);
}

/** Blocks the user at once: their tokens stop working on the next request and sign-in is refused. */
export async function disableUser(deps: UserManagementDeps, principal: Principal, userId: string) {
  const target = await loadTarget(deps, principal, userId);
  assertMayManage(target, principal);
  if (target.status === 'disabled') return toUserView(target);
  const next: Member = {
    ...target,
    status: 'disabled',
    tokensValidAfter: laterInstant(target.tokensValidAfter, revocationInstant(deps.clock.now())),
  };
  await deps.accounts.replaceMember(target, next);
  await deps.identities.disableUser(target.email);
  return toUserView(next);
}

/**
 * Lets the user sign in again; tokens from before the disable stay refused. Giving access back is
 * granting it, so the caller must be able to grant everything the user holds.
 */
export async function enableUser(deps: UserManagementDeps, principal: Principal, userId: string) {
  const target = await loadTarget(deps, principal, userId);
  assertMayManage(target, principal);
  assertMayGrant(target, principal);
  if (target.status === 'active') return toUserView(target);
  const next: Member = { ...target, status: 'active' };
  await deps.identities.enableUser(target.email);
  await deps.accounts.replaceMember(target, next);
  return toUserView(next);
}

/** Removes the user's login and membership; their audit history stays. */
export async function removeUser(
  deps: UserManagementDeps,
  principal: Principal,
  userId: string,
): Promise<void> {
  const target = await loadTarget(deps, principal, userId);
  assertMayManage(target, principal);
  await deps.accounts.removeMember(target);
  await deps.identities.deleteUser(target.email);
}

/**
 * A fresh temporary password and expiry for someone who has not signed in yet. The password is a
 * credential for the user's access, so only someone who could have created that user may re-invite them.
 */
export async function resendInvitation(deps: UserManagementDeps, principal: Principal, userId: string) {
  const target = await loadTarget(deps, principal, userId);
  assertMayManage(target, principal);
  assertMayGrant(target, principal);
  if (!target.invitationExpiresAt) throw new ConflictError('This user has already signed in.');
  const expiresAt = invitationExpiry(deps.clock.now());
  const next: Member = { ...target, invitationExpiresAt: expiresAt.toISOString() };
  await deps.accounts.replaceMember(target, next);
  const { temporaryPassword } = await deps.identities.renewInvitation(target.email);
  const orgName = await organizationName(deps, principal);
  await deps.invitations.send({
    email: next.email,
    name: next.name,
    organizationName: orgName,
    temporaryPassword,
    expiresAt,
  });
  return toUserView(next);
}

/**
 * Every user may edit their own profile; access fields are not part of it. The name is written alone, so
 * a rename racing an administrator's change can neither undo it nor be refused because of it.
 */
export async function updateOwnProfile(
  deps: Pick<UserManagementDeps, 'accounts'>,
  principal: Principal,
  body: UpdateProfileBody,
): Promise<UserView> {
  return toUserView(await deps.accounts.renameMember(principal.userId, principal.orgId, body.name));
}

/**
 * Ends every session: refresh tokens are revoked and access tokens issued until now are refused. The
 * cut-off only ever moves forward, whatever else writes the membership meanwhile.
 */
export async function signOutEverywhere(
  deps: Pick<UserManagementDeps, 'accounts' | 'identities' | 'clock'>,
  principal: Principal,
  accessToken: string,
): Promise<void> {
  await deps.accounts.revokeSessions(principal.userId, principal.orgId, revocationInstant(deps.clock.now()));
  await deps.identities.signOutEverywhere(accessToken);
}
