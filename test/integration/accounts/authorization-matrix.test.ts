import { randomUUID } from 'node:crypto';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import { DEFAULT_PERMISSIONS, ROLES, type Role } from '../../../schemas/accounts/roles';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

/**
 * Every (role × route) cell, expected allow/deny derived from the route table and the documented
 * default permissions, checked over HTTPS. Requests are harmless when allowed: ids that do not exist
 * and empty bodies, so an allowed cell answers 2xx/400/404 and a denied one 403.
 */
const protectedRoutes = (routes as readonly RouteDefinition[]).filter(
  (route) => route.access.kind !== 'public',
);

function expectedAllowed(route: RouteDefinition, role: Role): boolean {
  if (route.access.kind === 'member') return true;
  if (route.access.kind === 'action') {
    return [route.access.action, ...(route.access.orActions ?? [])].some((action) =>
      DEFAULT_PERMISSIONS[role].includes(action),
    );
  }
  // Staff routes never take a customer token, whatever the role.
  return false;
}

// Sign-out ends the caller's sessions, so those cells run last.
const ordered = [...protectedRoutes].sort((a, b) => Number(a.id === 'signOut') - Number(b.id === 'signOut'));

let org: TestOrganization;
beforeAll(async () => {
  org = await freshOrganization('matrix');
});

describe('[PP-06] [PP-18] authorization matrix (role × route)', () => {
  it('has a documented expectation for every protected route', () => {
    expect(protectedRoutes.length).toBeGreaterThan(0);
    for (const route of protectedRoutes)
      expect(['member', 'action', 'workforce']).toContain(route.access.kind);
  });

  it('matches the expectation in every cell', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of ordered) {
      for (const role of ROLES) {
        const path = route.path.replace(/\{[^}]+\}/g, randomUUID());
        const response = await callApi(route.method, path, {
          token: org.users[role].accessToken,
          ...(route.request?.body ? { body: '{}' } : {}),
        });
        cells += 1;
        const allowed = ![401, 403].includes(response.status) && response.status < 500;
        if (response.status >= 500 || allowed !== expectedAllowed(route, role)) {
          mismatches.push(`${role} ${route.method} ${route.path}: got ${response.status}`);
        }
      }
    }
    console.log(`authorization matrix: ${cells} cells tested, ${mismatches.length} mismatches`);
    expect(cells).toBe(protectedRoutes.length * ROLES.length);
    expect(mismatches).toEqual([]);
  });
});
