import {
  createUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  removeUser,
  resendInvitation,
  signOutEverywhere,
  updateOwnProfile,
  updateUserAccess,
} from '../../../../functions/accounts/core/users';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../../functions/shared/errors';
import type { Member } from '../../../../schemas/accounts/entities';
import { ACTIONS, type Action, DEFAULT_PERMISSIONS, type Role } from '../../../../schemas/accounts/roles';
import {
  fixedClock,
  InMemoryAccounts,
  InMemoryIdentities,
  RecordingInvitations,
} from '../../../support/fakes';

const NOW = '2026-11-24T12:00:00.250Z';

function member(userId: string, role: Role, orgId = 'org-a', overrides: Partial<Member> = {}): Member {
  return {
    userId,
    orgId,
    email: `${userId}@${orgId}.example`,
    name: `Person ${userId}`,
    role,
    professionalRole: role,
    permissions: [...DEFAULT_PERMISSIONS[role]],
    status: 'active',
    tokensValidAfter: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'admin',
    ...overrides,
  };
}

const principalOf = (m: Member, permissions: readonly Action[] = m.permissions): CustomerPrincipal => ({
  kind: 'customer',
  userId: m.userId,
  orgId: m.orgId,
  role: m.role,
  permissions: new Set(permissions),
});

async function setup() {
  const accounts = new InMemoryAccounts();
  const identities = new InMemoryIdentities();
  const invitations = new RecordingInvitations();
  const admin = member('admin', 'administrator');
  await accounts.createOrganization(
    { orgId: 'org-a', name: 'Org A', createdAt: NOW, createdBy: 'admin', adminCount: 1 },
    admin,
  );
  await accounts.createOrganization(
    { orgId: 'org-b', name: 'Org B', createdAt: NOW, createdBy: 'b-admin', adminCount: 1 },
    member('b-admin', 'administrator', 'org-b'),
  );
  for (const m of [admin, member('b-admin', 'administrator', 'org-b')]) {
    await identities.createUser({ email: m.email, name: m.name, password: 'x' });
  }
  const deps = { accounts, identities, invitations, clock: fixedClock(NOW) };
  return { deps, accounts, identities, invitations, admin, asAdmin: principalOf(admin) };
}

async function addUser(deps: Awaited<ReturnType<typeof setup>>['deps'], role: Role, orgId = 'org-a') {
  const caller = principalOf(member(orgId === 'org-a' ? 'admin' : 'b-admin', 'administrator', orgId));
  return createUser(deps, caller, {
    email: `${role}.${Math.random()}@${orgId}.example`,
    name: `New ${role}`,
    role,
  });
}

describe('user management', () => {
  it('[PP-06] creates a separate login with the role defaults, a mailed temporary password and an expiry', async () => {
    const { deps, identities, invitations, asAdmin } = await setup();

    const user = await createUser(deps, asAdmin, {
      email: 'tech@org-a.example',
      name: 'Tess Tech',
      role: 'technologist',
    });

    expect(user).toMatchObject({
      email: 'tech@org-a.example',
      role: 'technologist',
      permissions: ['edit', 'upload', 'view'],
      status: 'active',
      invitationExpiresAt: '2026-11-27T12:00:00.250Z',
    });
    const identity = identities.users.get('tech@org-a.example');
    expect(identity).toMatchObject({ temporary: true, groups: ['technologist'] });
    expect(invitations.sent).toEqual([
      expect.objectContaining({
        email: 'tech@org-a.example',
        organizationName: 'Org A',
        temporaryPassword: identity?.password,
      }),
    ]);
  });

  it('[PP-06] lets an administrator grant or withdraw individual actions', async () => {
    const { deps, asAdmin } = await setup();
    const clinician = await addUser(deps, 'clinician');

    const granted = await updateUserAccess(deps, asAdmin, clinician.userId, {
      permissions: ['view', 'export'],
    });
    const withdrawn = await updateUserAccess(deps, asAdmin, clinician.userId, { permissions: ['view'] });

    expect(granted.permissions).toEqual(['export', 'view']);
    expect(withdrawn.permissions).toEqual(['view']);
  });

  it('[PP-06] resets permissions to the new role defaults and moves the Cognito group on a role change', async () => {
    const { deps, identities, asAdmin } = await setup();
    const clinician = await addUser(deps, 'clinician');

    const changed = await updateUserAccess(deps, asAdmin, clinician.userId, { role: 'radiologist' });

    expect(changed).toMatchObject({ role: 'radiologist', permissions: ['edit', 'view', 'write-reports'] });
    expect(identities.users.get(clinician.email)?.groups).toEqual(['radiologist']);
  });

  it('[PP-06] nobody can change their own role, permissions or status', async () => {
    const { deps, admin, asAdmin } = await setup();

    await expect(
      updateUserAccess(deps, asAdmin, admin.userId, { permissions: [...ACTIONS] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(disableUser(deps, asAdmin, admin.userId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeUser(deps, asAdmin, admin.userId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('[PP-06] a delegated user manager cannot grant permissions they do not hold', async () => {
    const { deps, accounts } = await setup();
    const delegate = member('delegate', 'clinician', 'org-a', { permissions: ['view', 'manage-users'] });
    await accounts.addMember(delegate);
    const asDelegate = principalOf(delegate);

    await expect(
      createUser(deps, asDelegate, { email: 'new@org-a.example', name: 'New', role: 'administrator' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const clinician = await createUser(deps, asDelegate, {
      email: 'c@org-a.example',
      name: 'C',
      role: 'clinician',
    });
    await expect(
      updateUserAccess(deps, asDelegate, clinician.userId, { permissions: ['view', 'export'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('only an administrator changes an administrator’s access', async () => {
    const { deps, accounts, admin } = await setup();
    const delegate = member('delegate', 'clinician', 'org-a', { permissions: [...ACTIONS] });
    await accounts.addMember(delegate);
    const asDelegate = principalOf(delegate);

    await expect(
      updateUserAccess(deps, asDelegate, admin.userId, { permissions: ['view'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(disableUser(deps, asDelegate, admin.userId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeUser(deps, asDelegate, admin.userId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('the last active administrator cannot be demoted, stripped of user management, disabled or removed', async () => {
    const { deps, accounts, admin } = await setup();
    // A concurrent request by an administrator who was demoted meanwhile: only the store's rule stops it.
    const asFormerAdmin = principalOf(member('former-admin', 'administrator'));

    await expect(
      updateUserAccess(deps, asFormerAdmin, admin.userId, { role: 'clinician' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      updateUserAccess(deps, asFormerAdmin, admin.userId, { permissions: ['view', 'export'] }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(disableUser(deps, asFormerAdmin, admin.userId)).rejects.toBeInstanceOf(ConflictError);
    await expect(removeUser(deps, asFormerAdmin, admin.userId)).rejects.toBeInstanceOf(ConflictError);
    expect(await accounts.getMember(admin.userId)).toMatchObject({ role: 'administrator', status: 'active' });
  });

  it('an administrator can be demoted once another administrator exists', async () => {
    const { deps, admin, asAdmin } = await setup();
    const second = await addUser(deps, 'administrator');
    const secondMember = member(second.userId, 'administrator');

    await expect(
      updateUserAccess(deps, principalOf(secondMember, ACTIONS), admin.userId, { role: 'radiologist' }),
    ).resolves.toMatchObject({ role: 'radiologist' });
    await expect(disableUser(deps, asAdmin, second.userId)).rejects.toBeInstanceOf(ConflictError);
  });

  it('[PP-18] disabling blocks sign-in and refuses tokens issued up to the next whole second', async () => {
    const { deps, accounts, identities, asAdmin } = await setup();
    const radiologist = await addUser(deps, 'radiologist');

    const disabled = await disableUser(deps, asAdmin, radiologist.userId);

    expect(disabled.status).toBe('disabled');
    expect(identities.users.get(radiologist.email)?.enabled).toBe(false);
    expect((await accounts.getMember(radiologist.userId))?.tokensValidAfter).toBe('2026-11-24T12:00:01.000Z');
    const enabled = await enableUser(deps, asAdmin, radiologist.userId);
    expect(enabled.status).toBe('active');
    expect((await accounts.getMember(radiologist.userId))?.tokensValidAfter).toBe('2026-11-24T12:00:01.000Z');
  });

  it('removal releases the email address and the login', async () => {
    const { deps, accounts, identities, asAdmin } = await setup();
    const technologist = await addUser(deps, 'technologist');

    await removeUser(deps, asAdmin, technologist.userId);

    expect(await accounts.getMember(technologist.userId)).toBeNull();
    expect(accounts.emailClaims.has(technologist.email)).toBe(false);
    expect(identities.users.has(technologist.email)).toBe(false);
  });

  it('[PP-07] answers another organization’s user exactly like a missing one', async () => {
    const { deps, asAdmin } = await setup();
    const foreign = await addUser(deps, 'clinician', 'org-b');

    for (const attempt of [
      () => getUser(deps, asAdmin, foreign.userId),
      () => updateUserAccess(deps, asAdmin, foreign.userId, { role: 'administrator' }),
      () => disableUser(deps, asAdmin, foreign.userId),
      () => enableUser(deps, asAdmin, foreign.userId),
      () => removeUser(deps, asAdmin, foreign.userId),
      () => resendInvitation(deps, asAdmin, foreign.userId),
      () => getUser(deps, asAdmin, 'no-such-user'),
    ]) {
      await expect(attempt()).rejects.toEqual(new NotFoundError('User not found.'));
    }
    expect((await listUsers(deps, asAdmin)).users.map((user) => user.userId)).not.toContain(foreign.userId);
  });

  it('leaves nothing behind when the invitation cannot be mailed', async () => {
    const { deps, accounts, identities, invitations, asAdmin } = await setup();
    invitations.failWith = new Error('mail down');

    await expect(
      createUser(deps, asAdmin, { email: 'late@org-a.example', name: 'Late', role: 'clinician' }),
    ).rejects.toThrow();

    expect(identities.users.has('late@org-a.example')).toBe(false);
    expect(accounts.emailClaims.has('late@org-a.example')).toBe(false);
    expect((await listUsers(deps, asAdmin)).users).toHaveLength(1);
  });

  it('resends an invitation with a fresh password and expiry, but not once the user has signed in', async () => {
    const { deps, accounts, invitations, asAdmin } = await setup();
    const clinician = await addUser(deps, 'clinician');

    await resendInvitation(deps, asAdmin, clinician.userId);
    expect(invitations.sent).toHaveLength(2);
    expect(invitations.sent[1]?.temporaryPassword).not.toBe(invitations.sent[0]?.temporaryPassword);

    await accounts.acceptInvitation(clinician.userId);
    await expect(resendInvitation(deps, asAdmin, clinician.userId)).rejects.toBeInstanceOf(ConflictError);
  });

  it('every user edits their own name, and sign-out everywhere moves the token cut-off', async () => {
    const { deps, accounts, identities } = await setup();
    const clinician = await addUser(deps, 'clinician');
    const asClinician = principalOf(member(clinician.userId, 'clinician'));

    await expect(updateOwnProfile(deps, asClinician, { name: 'Dr. Casey' })).resolves.toMatchObject({
      name: 'Dr. Casey',
      role: 'clinician',
    });
    await signOutEverywhere(deps, asClinician, 'the-access-token');

    expect((await accounts.getMember(clinician.userId))?.tokensValidAfter).toBe('2026-11-24T12:00:01.000Z');
    expect(identities.signedOutTokens).toEqual(['the-access-token']);
  });
});

describe('delegated user management cannot raise anyone above the delegate', () => {
  /** A technologist an administrator has given manage-users: the pen test's delegated user manager. */
  async function withDelegate() {
    const context = await setup();
    const delegate = member('delegate', 'technologist', 'org-a', {
      permissions: ['view', 'upload', 'edit', 'manage-users'],
    });
    await context.accounts.addMember(delegate);
    const pendingAdmin = await createUser(context.deps, context.asAdmin, {
      email: 'pending-admin@org-a.example',
      name: 'Pending Admin',
      role: 'administrator',
    });
    const clinician = await addUser(context.deps, 'clinician');
    context.invitations.sent.length = 0;
    const snapshot = async () => ({
      users: (await listUsers(context.deps, context.asAdmin)).users,
      identities: structuredClone([...context.identities.users.entries()]),
      adminCount: context.accounts.organizations.get('org-a')?.adminCount,
    });
    return { ...context, asDelegate: principalOf(delegate), pendingAdmin, clinician, snapshot };
  }

  it('[PP-06] refuses to create an administrator, even with permissions the delegate holds', async () => {
    const { deps, asDelegate, invitations, snapshot } = await withDelegate();
    const before = await snapshot();

    for (const permissions of [undefined, ['view'] as Action[], ['view', 'manage-users'] as Action[]]) {
      await expect(
        createUser(deps, asDelegate, {
          email: 'attacker@elsewhere.example',
          name: 'Shadow Admin',
          role: 'administrator',
          ...(permissions ? { permissions } : {}),
        }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }

    expect(invitations.sent).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('[PP-06] refuses to promote anyone to administrator', async () => {
    const { deps, asDelegate, clinician, snapshot } = await withDelegate();
    const before = await snapshot();

    await expect(
      updateUserAccess(deps, asDelegate, clinician.userId, { role: 'administrator', permissions: ['view'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateUserAccess(deps, asDelegate, clinician.userId, { role: 'administrator' }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    expect(await snapshot()).toEqual(before);
  });

  it('[PP-06] refuses to re-invite an administrator (a fresh temporary password is a credential)', async () => {
    const { deps, asDelegate, pendingAdmin, invitations, snapshot } = await withDelegate();
    const before = await snapshot();

    await expect(resendInvitation(deps, asDelegate, pendingAdmin.userId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    expect(invitations.sent).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('[PP-06] counts a role’s default permissions as granted: no role whose defaults the delegate lacks', async () => {
    const { deps, accounts, asDelegate } = await withDelegate();
    const clinicianManager = member('clin-manager', 'clinician', 'org-a', {
      permissions: ['view', 'manage-users'],
    });
    await accounts.addMember(clinicianManager);

    // technologist (view, upload, edit) ⊇ radiologist (view, edit): allowed.
    await expect(
      createUser(deps, asDelegate, { email: 'rad@org-a.example', name: 'Rad', role: 'radiologist' }),
    ).resolves.toMatchObject({ role: 'radiologist', permissions: ['edit', 'view', 'write-reports'] });
    // clinician (view) ⊉ technologist (view, upload, edit): refused, by default or by role change.
    await expect(
      createUser(deps, principalOf(clinicianManager), {
        email: 'tech@org-a.example',
        name: 'Tech',
        role: 'technologist',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const clinician = await addUser(deps, 'clinician');
    await expect(
      updateUserAccess(deps, principalOf(clinicianManager), clinician.userId, { role: 'technologist' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('[PP-06] refuses to re-invite a user who holds permissions the delegate lacks', async () => {
    const { deps, asAdmin, asDelegate, invitations } = await withDelegate();
    const exporter = await createUser(deps, asAdmin, {
      email: 'exporter@org-a.example',
      name: 'Exporter',
      role: 'radiologist',
      permissions: ['view', 'edit', 'export'],
    });
    invitations.sent.length = 0;

    await expect(resendInvitation(deps, asDelegate, exporter.userId)).rejects.toBeInstanceOf(ForbiddenError);
    expect(invitations.sent).toEqual([]);
  });

  it('[PP-06] a non-administrator holding every permission still cannot create or promote an administrator', async () => {
    const { deps, accounts, clinician } = await withDelegate();
    const everything = member('everything', 'radiologist', 'org-a', { permissions: [...ACTIONS] });
    await accounts.addMember(everything);

    await expect(
      createUser(deps, principalOf(everything), {
        email: 'x@org-a.example',
        name: 'X',
        role: 'administrator',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateUserAccess(deps, principalOf(everything), clinician.userId, { role: 'administrator' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('[PP-06] an administrator still creates, promotes and re-invites administrators', async () => {
    const { deps, asAdmin, clinician, pendingAdmin } = await withDelegate();

    await expect(
      createUser(deps, asAdmin, { email: 'admin3@org-a.example', name: 'Third', role: 'administrator' }),
    ).resolves.toMatchObject({ role: 'administrator' });
    await expect(
      updateUserAccess(deps, asAdmin, clinician.userId, { role: 'administrator' }),
    ).resolves.toMatchObject({ role: 'administrator' });
    await expect(resendInvitation(deps, asAdmin, pendingAdmin.userId)).resolves.toMatchObject({
      userId: pendingAdmin.userId,
    });
  });
});

describe('concurrent writes to one membership', () => {
  it('[PP-06] a rename racing an administrator’s withdrawal keeps the withdrawal and the new name', async () => {
    const { deps, accounts, asAdmin } = await setup();
    const technologist = await addUser(deps, 'technologist');
    const asTechnologist = principalOf(member(technologist.userId, 'technologist'));

    await Promise.all([
      updateOwnProfile(deps, asTechnologist, { name: 'Tess Renamed' }),
      updateUserAccess(deps, asAdmin, technologist.userId, { permissions: ['view', 'edit'] }),
      updateOwnProfile(deps, asTechnologist, { name: 'Tess Renamed' }),
    ]);

    expect(await accounts.getMember(technologist.userId)).toMatchObject({
      name: 'Tess Renamed',
      permissions: ['view', 'edit'],
    });
  });

  it('[PP-06] of two access changes prepared from the same read, the second answers a conflict', async () => {
    const { deps, accounts, asAdmin } = await setup();
    const second = await addUser(deps, 'administrator');
    const asSecond = principalOf(member(second.userId, 'administrator'));
    const clinician = await addUser(deps, 'clinician');

    const results = await Promise.allSettled([
      updateUserAccess(deps, asAdmin, clinician.userId, { permissions: ['view', 'export'] }),
      updateUserAccess(deps, asSecond, clinician.userId, { permissions: ['view', 'share'] }),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect((await accounts.getMember(clinician.userId))?.permissions).toEqual(['view', 'export']);
  });

  it('[PP-18] sign-out everywhere racing a rename keeps the cut-off, and a disable never moves it back', async () => {
    const { deps, accounts, asAdmin } = await setup();
    const clinician = await addUser(deps, 'clinician');
    const asClinician = principalOf(member(clinician.userId, 'clinician'));

    await Promise.all([
      updateOwnProfile(deps, asClinician, { name: 'Casey' }),
      signOutEverywhere(deps, asClinician, 'token'),
      updateOwnProfile(deps, asClinician, { name: 'Casey' }),
    ]);
    expect((await accounts.getMember(clinician.userId))?.tokensValidAfter).toBe('2026-11-24T12:00:01.000Z');

    await disableUser({ ...deps, clock: fixedClock('2026-11-24T11:00:00.000Z') }, asAdmin, clinician.userId);
    expect((await accounts.getMember(clinician.userId))?.tokensValidAfter).toBe('2026-11-24T12:00:01.000Z');
  });
});
