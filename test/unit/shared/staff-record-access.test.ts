import { routes } from '../../../functions/shared/routes';
import { routeBindings } from '../../../infra/api/route-environment';

describe('staff routes and staff records', () => {
  const workforceRoutes = routes.filter((route) => route.access.kind === 'workforce');

  it('[PP-09] every staff route’s function may read the staff records it is authorized by, and write none', () => {
    expect(workforceRoutes.length).toBeGreaterThan(0);
    for (const route of workforceRoutes) {
      const bindings = routeBindings(route);
      expect({ route: route.id, reads: bindings.includes('accounts-table:read') }).toEqual({
        route: route.id,
        reads: true,
      });
      expect(
        bindings.filter(
          (binding) => binding.startsWith('accounts-table:') && binding !== 'accounts-table:read',
        ),
      ).toEqual([]);
    }
  });

  it('[PP-09] a staff route that takes an organization id declares it as its target, so refusals land in that trail', () => {
    const targeting = workforceRoutes.filter((route) => {
      const shape = (route.request?.query as { shape?: Record<string, unknown> } | undefined)?.shape;
      return shape !== undefined && 'orgId' in shape;
    });
    expect(targeting.length).toBeGreaterThan(0);
    for (const route of targeting) {
      const target = route.access.kind === 'workforce' ? route.access.target : undefined;
      expect({ route: route.id, target }).toEqual({ route: route.id, target: { query: 'orgId' } });
    }
  });
});
