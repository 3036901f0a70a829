import { callApi, postJson } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

/**
 * Privileged keys in every write body are refused with 400, and nothing changes. Keys the route
 * legitimately accepts (role and permissions when an administrator manages a user) are left out.
 */
const PRIVILEGED: Record<string, unknown> = {
  orgId: 'someone-elses-org',
  role: 'administrator',
  permissions: ['manage-users', 'export'],
  isAdmin: true,
  status: 'active',
  createdBy: 'attacker',
  tokensValidAfter: '1970-01-01T00:00:00.000Z',
  userId: 'chosen-id',
};

let org: TestOrganization;
beforeAll(async () => {
  org = await freshOrganization('assign');
});

describe('[PP-06] mass assignment', () => {
  const cases = () => [
    {
      label: 'POST /v1/signup',
      send: (extra: string) =>
        callApi('POST', '/v1/signup', {
          body: `{${extra}"name":"M","organizationName":"M Org","role":"clinician","email":"mass-${Date.now()}@assign.example"}`,
        }),
      allowed: ['role'],
    },
    {
      label: 'POST /v1/users',
      send: (extra: string) =>
        callApi('POST', '/v1/users', {
          token: org.users.administrator.accessToken,
          body: `{${extra}"email":"mass-${Date.now()}@assign.example","name":"M","role":"clinician"}`,
        }),
      allowed: ['role', 'permissions'],
    },
    {
      label: 'PATCH /v1/users/{userId}',
      send: (extra: string) =>
        callApi('PATCH', `/v1/users/${org.users.clinician.userId}`, {
          token: org.users.administrator.accessToken,
          body: `{${extra}"permissions":["view"]}`,
        }),
      allowed: ['role', 'permissions'],
    },
    {
      label: 'PATCH /v1/me',
      send: (extra: string) =>
        callApi('PATCH', '/v1/me', {
          token: org.users.clinician.accessToken,
          body: `{${extra}"name":"Casey"}`,
        }),
      allowed: [],
    },
  ];

  it('refuses every privileged key in every write body and persists nothing', async () => {
    const snapshot = async () =>
      (await callApi('GET', '/v1/users', { token: org.users.administrator.accessToken })).json();
    const before = await snapshot();
    let tried = 0;
    const accepted: string[] = [];
    for (const target of cases()) {
      const extras = [
        ...Object.entries(PRIVILEGED)
          .filter(([key]) => !target.allowed.includes(key))
          .map(([key, value]) => `"${key}":${JSON.stringify(value)},`),
        '"__proto__":{"isAdmin":true},',
        '"constructor":{"prototype":{"isAdmin":true}},',
      ];
      for (const extra of extras) {
        tried += 1;
        const response = await target.send(extra);
        if (response.status !== 400) accepted.push(`${target.label} ${extra} → ${response.status}`);
      }
    }
    console.log(`mass assignment: ${tried} privileged bodies, ${accepted.length} accepted`);
    expect(accepted).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('a valid body still works after all that', async () => {
    const response = await postJson(
      '/v1/users',
      { email: `ok-${Date.now()}@assign.example`, name: 'OK', role: 'clinician' },
      org.users.administrator.accessToken,
    );

    expect(response.status).toBe(201);
  });
});
