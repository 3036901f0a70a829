import { randomUUID } from 'node:crypto';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import { ROLES } from '../../../schemas/accounts/roles';
import { type ApiResponse, callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

/**
 * For every route that takes an id, organization A's administrator tries organization B's real ids by
 * every method the route supports. Nothing may succeed, and each answer must be indistinguishable
 * from the answer for an id that does not exist.
 */
const idRoutes = (routes as readonly RouteDefinition[]).filter((route) => /\{[^}]+\}/.test(route.path));

const BODIES: Record<string, string> = {
  updateUser: JSON.stringify({ role: 'administrator' }),
  // Valid bodies, so the lookup of the (foreign) session is what answers.
  completeUploadSession: JSON.stringify({ parts: [{ partNumber: 1, etag: '"0"' }] }),
  issueUploadPartUrls: JSON.stringify({}),
};

let a: TestOrganization;
let b: TestOrganization;
beforeAll(async () => {
  a = await freshOrganization('tenant-a');
  b = await freshOrganization('tenant-b');
});

const shape = (response: ApiResponse) => ({
  status: response.status,
  code: response.json().error?.code,
  message: response.json().error?.message,
  keys: Object.keys(response.json().error ?? {}).sort(),
});

describe('[PP-07] cross-tenant isolation', () => {
  it('answers every foreign id exactly like a missing one, and changes nothing', async () => {
    const before = (await callApi('GET', '/v1/users', { token: b.users.administrator.accessToken })).json();
    let attempts = 0;
    const leaks: string[] = [];
    for (const route of idRoutes) {
      const call = (id: string) =>
        callApi(route.method, route.path.replace(/\{[^}]+\}/g, id), {
          token: a.users.administrator.accessToken,
          ...(route.request?.body ? { body: BODIES[route.id] ?? '{}' } : {}),
        });
      const missing = shape(await call(randomUUID()));
      for (const role of ROLES) {
        attempts += 1;
        const foreign = await call(b.users[role].userId);
        if (foreign.status < 400 || JSON.stringify(shape(foreign)) !== JSON.stringify(missing)) {
          leaks.push(`${route.method} ${route.path} (${role}): ${foreign.status} ${foreign.text}`);
        }
      }
    }
    const after = (await callApi('GET', '/v1/users', { token: b.users.administrator.accessToken })).json();
    console.log(`cross-tenant: ${attempts} attempts, ${leaks.length} leaks`);
    expect(attempts).toBe(idRoutes.length * ROLES.length);
    expect(leaks).toEqual([]);
    expect(after).toEqual(before);
  });

  it('never lists another organization’s users', async () => {
    const listed = (await callApi('GET', '/v1/users', { token: a.users.administrator.accessToken })).json();
    const foreignIds = Object.values(b.users).map((user) => user.userId);

    expect(listed.users.some((user: { userId: string }) => foreignIds.includes(user.userId))).toBe(false);
  });

  it('ignores tenant hints in headers and query strings', async () => {
    const response = await callApi('GET', `/v1/me?orgId=${b.orgId}&tenantId=${b.orgId}`, {
      token: a.users.clinician.accessToken,
      headers: { 'x-tenant-id': b.orgId, 'x-org-id': b.orgId },
    });

    expect(response.json().organization.orgId).toBe(a.orgId);
  });
});
