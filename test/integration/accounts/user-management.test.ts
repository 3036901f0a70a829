import { setTimeout as sleep } from 'node:timers/promises';
import { callApi, postJson, sentMail, signIn } from '../../support/local-client';
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

describe('[PP-06] a delegated user manager cannot raise anyone above themselves', () => {
  it('refuses a technologist given manage-users every path to an administrator or a permission they lack, and changes nothing', async () => {
    const delegated = await freshOrganization('delegate');
    const { administrator, technologist, clinician } = delegated.users;
    const granted = await callApi('PATCH', `/v1/users/${technologist.userId}`, {
      token: administrator.accessToken,
      body: JSON.stringify({ permissions: ['view', 'upload', 'edit', 'manage-users'] }),
    });
    expect(granted.status).toBe(200);
    const pendingAdminEmail = `pending-admin-${Date.now()}@delegate.example`;
    const pendingAdmin = await postJson(
      '/v1/users',
      { email: pendingAdminEmail, name: 'Pending Admin', role: 'administrator' },
      administrator.accessToken,
    );
    expect(pendingAdmin.status).toBe(201);
    const attackerEmail = `attacker-${Date.now()}@elsewhere.example`;
    const usersNow = async () =>
      (await callApi('GET', '/v1/users', { token: administrator.accessToken })).json().users;
    const mailTo = async (email: string) =>
      (await sentMail()).filter((mail) => mail.destination.to.includes(email)).length;
    const before = {
      users: await usersNow(),
      attackerMail: await mailTo(attackerEmail),
      adminMail: await mailTo(pendingAdminEmail),
    };

    const attempts = {
      createAdministrator: await postJson(
        '/v1/users',
        {
          email: attackerEmail,
          name: 'Shadow',
          role: 'administrator',
          permissions: ['view', 'manage-users'],
        },
        technologist.accessToken,
      ),
      promoteToAdministrator: await callApi('PATCH', `/v1/users/${clinician.userId}`, {
        token: technologist.accessToken,
        body: JSON.stringify({ role: 'administrator', permissions: ['view'] }),
      }),
      reinviteAdministrator: await callApi('POST', `/v1/users/${pendingAdmin.json().userId}/invitation`, {
        token: technologist.accessToken,
      }),
      grantUnheldPermission: await callApi('PATCH', `/v1/users/${clinician.userId}`, {
        token: technologist.accessToken,
        body: JSON.stringify({ permissions: ['view', 'export'] }),
      }),
      createWithUnheldPermission: await postJson(
        '/v1/users',
        {
          email: `x-${attackerEmail}`,
          name: 'Exporter',
          role: 'radiologist',
          permissions: ['view', 'export'],
        },
        technologist.accessToken,
      ),
    };

    const outcomes = Object.fromEntries(
      Object.entries(attempts).map(([path, response]) => [
        path,
        `${response.status} ${response.json().error?.code ?? ''}`,
      ]),
    );
    expect(outcomes).toEqual({
      createAdministrator: '403 forbidden',
      promoteToAdministrator: '403 forbidden',
      reinviteAdministrator: '403 forbidden',
      grantUnheldPermission: '403 forbidden',
      createWithUnheldPermission: '403 forbidden',
    });
    expect(await usersNow()).toEqual(before.users);
    expect(await mailTo(attackerEmail)).toBe(before.attackerMail);
    expect(await mailTo(pendingAdminEmail)).toBe(before.adminMail);
    // What the delegate may still do: users no more powerful than a technologist.
    const radiologist = await postJson(
      '/v1/users',
      { email: `rad-${Date.now()}@delegate.example`, name: 'Rad', role: 'radiologist' },
      technologist.accessToken,
    );
    expect(radiologist.status).toBe(201);
  });
});

describe('concurrent writes to one membership keep every change', () => {
  const TRIES = 5;
  const BURST = 20;
  /** Half the burst before the contested write, half after, none awaited: their reads and writes straddle it. */
  function burstAround<T, U>(write: () => Promise<T>, rename: (index: number) => Promise<U>) {
    const before = Array.from({ length: BURST / 2 }, (_, index) => rename(index));
    const contested = write();
    const after = Array.from({ length: BURST / 2 }, (_, index) => rename(BURST / 2 + index));
    return Promise.all([contested, Promise.all([...before, ...after])]);
  }

  it('[PP-06] a burst of self-renames never brings back a permission an administrator withdrew', async () => {
    const raced = await freshOrganization('race');
    const { administrator, technologist } = raced.users;
    const setPermissions = (permissions: string[]) =>
      callApi('PATCH', `/v1/users/${technologist.userId}`, {
        token: administrator.accessToken,
        body: JSON.stringify({ permissions }),
      });
    let lost = 0;
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      expect((await setPermissions(['view', 'upload', 'edit'])).status).toBe(200);

      const [withdrawn, renames] = await burstAround(
        () => setPermissions(['view', 'edit']),
        (index) =>
          callApi('PATCH', '/v1/me', {
            token: technologist.accessToken,
            body: JSON.stringify({ name: `Tess ${attempt}.${index}` }),
          }),
      );

      expect(withdrawn.status).toBe(200);
      // A rename writes the name alone: it neither conflicts with the withdrawal nor fails.
      expect(new Set(renames.map((rename) => rename.status))).toEqual(new Set([200]));
      const stored = await tables.accountsItem(`USER#${technologist.userId}`, 'MEMBER');
      if (stored?.permissions.includes('upload')) lost += 1;
    }
    expect((await tables.accountsItem(`ORG#${raced.orgId}`, 'ORG'))?.adminCount).toBe(1);
    console.info(`withdrawn permission brought back by concurrent renames: ${lost}/${TRIES}`);
    expect(lost).toBe(0);
  });

  it('[PP-18] a burst of self-renames never moves the sign-out-everywhere cut-off backwards', async () => {
    const raced = await freshOrganization('race-signout');
    const { radiologist } = raced.users;
    let lost = 0;
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      const session = await signIn(radiologist.email, radiologist.password);
      const sentAt = Date.now();

      const [signedOut, renames] = await burstAround(
        () => callApi('POST', '/v1/me/sign-out', { token: session.accessToken }),
        (index) =>
          callApi('PATCH', '/v1/me', {
            token: session.accessToken,
            body: JSON.stringify({ name: `Rae ${attempt}.${index}` }),
          }),
      );

      expect(signedOut.status).toBe(204);
      // Renames sent before the cut-off succeed, later ones are refused; none conflicts or fails.
      for (const rename of renames) expect([200, 401]).toContain(rename.status);
      const stored = await tables.accountsItem(`USER#${radiologist.userId}`, 'MEMBER');
      const oldToken = await callApi('GET', '/v1/me', { token: session.accessToken });
      if (Date.parse(String(stored?.tokensValidAfter)) < sentAt || oldToken.status !== 401) lost += 1;
      // The cut-off is rounded up to the next whole second: the next sign-in must come after it.
      await sleep(1100);
    }
    console.info(`sign-out cut-off moved backwards by concurrent renames: ${lost}/${TRIES}`);
    expect(lost).toBe(0);
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
