import { callApi, postJson, signIn } from '../../support/local-client';
import { localTables } from '../../support/local-tables';
import {
  acceptInvitation,
  freshOrganization,
  invitationPassword,
  type TestOrganization,
} from '../../support/organizations';

const tables = localTables();
afterAll(() => tables.close());

let org: TestOrganization;
beforeAll(async () => {
  org = await freshOrganization('users');
});

const asAdmin = () => org.users.administrator.accessToken;

describe('user management over HTTPS', () => {
  it('[PP-06] an invited user signs in with the mailed temporary password, must replace it, then has their role', async () => {
    const email = `invited-${Date.now()}@users.example`;
    const created = await postJson('/v1/users', { email, name: 'Ivy Invited', role: 'clinician' }, asAdmin());
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ email, role: 'clinician', permissions: ['view'] });
    expect(created.json().invitationExpiresAt).toEqual(expect.any(String));

    const temporary = await invitationPassword(email);
    const { accessToken } = await acceptInvitation(email, temporary, 'Ivy-Chosen-Passw0rd!');
    const me = await callApi('GET', '/v1/me', { token: accessToken });

    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({
      user: { email, role: 'clinician' },
      organization: { orgId: org.orgId },
    });
    const shown = await callApi('GET', `/v1/users/${created.json().userId}`, { token: asAdmin() });
    expect(shown.json().invitationExpiresAt).toBeNull();
  });

  it('[PP-06] lists exactly the organization users', async () => {
    const response = await callApi('GET', '/v1/users', { token: asAdmin() });

    expect(response.status).toBe(200);
    const emails = response.json().users.map((user: { email: string }) => user.email);
    for (const user of Object.values(org.users)) expect(emails).toContain(user.email);
    expect(emails.every((email: string) => email.includes('users-') || email.startsWith('invited-'))).toBe(
      true,
    );
  });

  it('[PP-06] a permission granted or withdrawn takes effect on the very next request', async () => {
    const clinician = org.users.clinician;
    expect((await callApi('GET', '/v1/users', { token: clinician.accessToken })).status).toBe(403);

    await callApi('PATCH', `/v1/users/${clinician.userId}`, {
      token: asAdmin(),
      body: JSON.stringify({ permissions: ['view', 'manage-users'] }),
    });
    expect((await callApi('GET', '/v1/users', { token: clinician.accessToken })).status).toBe(200);

    await callApi('PATCH', `/v1/users/${clinician.userId}`, {
      token: asAdmin(),
      body: JSON.stringify({ permissions: ['view'] }),
    });
    expect((await callApi('GET', '/v1/users', { token: clinician.accessToken })).status).toBe(403);
  });

  it('[PP-18] a disabled user is refused at once, cannot sign in, and returns with a new sign-in only', async () => {
    const technologist = org.users.technologist;

    const disabled = await callApi('POST', `/v1/users/${technologist.userId}/disable`, { token: asAdmin() });

    expect(disabled.status).toBe(200);
    expect((await callApi('GET', '/v1/me', { token: technologist.accessToken })).status).toBe(401);
    await expect(signIn(technologist.email, technologist.password)).rejects.toThrow();

    await callApi('POST', `/v1/users/${technologist.userId}/enable`, { token: asAdmin() });
    expect((await callApi('GET', '/v1/me', { token: technologist.accessToken })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = await signIn(technologist.email, technologist.password);
    expect((await callApi('GET', '/v1/me', { token: fresh.accessToken })).status).toBe(200);
    technologist.accessToken = fresh.accessToken;
  });

  it('the last administrator cannot be demoted, disabled or removed, and nobody edits their own access', async () => {
    const admin = org.users.administrator;
    const radiologist = org.users.radiologist;
    await callApi('PATCH', `/v1/users/${radiologist.userId}`, {
      token: asAdmin(),
      body: JSON.stringify({ permissions: ['view', 'edit', 'manage-users'] }),
    });

    const demote = await callApi('PATCH', `/v1/users/${admin.userId}`, {
      token: radiologist.accessToken,
      body: JSON.stringify({ role: 'clinician' }),
    });
    const disable = await callApi('POST', `/v1/users/${admin.userId}/disable`, {
      token: radiologist.accessToken,
    });
    const remove = await callApi('DELETE', `/v1/users/${admin.userId}`, { token: radiologist.accessToken });
    const selfRaise = await callApi('PATCH', `/v1/users/${radiologist.userId}`, {
      token: radiologist.accessToken,
      body: JSON.stringify({ permissions: ['view', 'edit', 'manage-users', 'export'] }),
    });

    // A delegated user manager may manage users, but never an administrator.
    expect([demote.status, disable.status, remove.status]).toEqual([403, 403, 403]);
    expect(selfRaise.status).toBe(403);
    await callApi('PATCH', `/v1/users/${radiologist.userId}`, {
      token: asAdmin(),
      body: JSON.stringify({ permissions: ['view', 'edit', 'manage-users', 'manage-billing'] }),
    });
    const byDelegate = await callApi('PATCH', `/v1/users/${admin.userId}`, {
      token: radiologist.accessToken,
      body: JSON.stringify({ permissions: ['view'] }),
    });
    expect(byDelegate.status).toBe(403);
    const me = await callApi('GET', '/v1/me', { token: asAdmin() });
    expect(me.json().user.role).toBe('administrator');
    await callApi('PATCH', `/v1/users/${radiologist.userId}`, {
      token: asAdmin(),
      body: JSON.stringify({ permissions: ['view', 'edit'] }),
    });
  });

  it('two administrators demoting each other at once still leave one administrator', async () => {
    const other = await freshOrganization('lastadmin');
    const first = other.users.administrator;
    const secondEmail = `second-admin-${Date.now()}@lastadmin.example`;
    const second = (
      await postJson(
        '/v1/users',
        { email: secondEmail, name: 'Second', role: 'administrator' },
        first.accessToken,
      )
    ).json();
    const secondTokens = await acceptInvitation(
      secondEmail,
      await invitationPassword(secondEmail),
      'Second-Adm1n-Pass!',
    );

    const results = await Promise.all([
      callApi('PATCH', `/v1/users/${first.userId}`, {
        token: secondTokens.accessToken,
        body: JSON.stringify({ role: 'clinician' }),
      }),
      callApi('PATCH', `/v1/users/${second.userId}`, {
        token: first.accessToken,
        body: JSON.stringify({ role: 'clinician' }),
      }),
    ]);

    const statuses = results.map((result) => result.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect([403, 409]).toContain(statuses[1]);
    const survivor =
      statuses[0] === 200 && results[0]?.status === 200 ? secondTokens.accessToken : first.accessToken;
    const users = (await callApi('GET', '/v1/users', { token: survivor })).json().users;
    expect(
      users.filter((user: { role: string; status: string }) => user.role === 'administrator'),
    ).toHaveLength(1);
  });

  it('[PP-18] sign-out everywhere refuses the tokens issued before it', async () => {
    const clinician = org.users.clinician;
    const before = await signIn(clinician.email, clinician.password);

    const response = await callApi('POST', '/v1/me/sign-out', { token: before.accessToken });

    expect(response.status).toBe(204);
    expect((await callApi('GET', '/v1/me', { token: before.accessToken })).status).toBe(401);
    expect((await callApi('GET', '/v1/me', { token: clinician.accessToken })).status).toBe(401);
  });

  it('[PP-06] every user edits their own profile name, and nothing else through it', async () => {
    const radiologist = org.users.radiologist;

    const renamed = await callApi('PATCH', '/v1/me', {
      token: radiologist.accessToken,
      body: JSON.stringify({ name: 'Dr. Rae' }),
    });
    const escalate = await callApi('PATCH', '/v1/me', {
      token: radiologist.accessToken,
      body: JSON.stringify({ name: 'Dr. Rae', role: 'administrator' }),
    });

    expect(renamed.status).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Dr. Rae', role: 'radiologist' });
    expect(escalate.status).toBe(400);
  });

  it('[PP-18] records every user-management action in the organization audit trail', async () => {
    const records = await tables.auditRecords(org.orgId);
    const events = new Set(records.map((record) => record.event));

    for (const event of [
      'account-created',
      'user-created',
      'users-listed',
      'user-access-changed',
      'user-disabled',
      'user-enabled',
      'signed-out',
      'profile-updated',
      'access-denied',
    ]) {
      expect(events).toContain(event);
    }
    const denied = records.filter((record) => record.event === 'access-denied');
    expect(denied.every((record) => record.outcome === 4 && record.actor.kind === 'customer')).toBe(true);
  });
});

describe('[PP-18] token corpus: revoked sessions', () => {
  it('refuses the token of a disabled user and a token issued before sign-out', async () => {
    const other = await freshOrganization('revoked');
    const { clinician, radiologist, administrator } = other.users;

    await callApi('POST', `/v1/users/${clinician.userId}/disable`, { token: administrator.accessToken });
    const ownSignOut = await callApi('POST', '/v1/me/sign-out', { token: radiologist.accessToken });

    expect(ownSignOut.status).toBe(204);
    expect((await callApi('GET', '/v1/me', { token: clinician.accessToken })).status).toBe(401);
    expect((await callApi('GET', '/v1/me', { token: radiologist.accessToken })).status).toBe(401);
  });
});
