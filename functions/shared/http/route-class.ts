import type { RouteDefinition } from './route';

/**
 * How a route's load behaves: each class has its own rate, duration and concurrency rule in the capacity
 * model (infra/api/capacity-model.ts), and its own allowance per organization where the class is capped.
 */
export type RouteClass = 'retrieve' | 'render' | 'search' | 'store' | 'api' | 'public';

const SEARCH_PATH = /\/(studies|series|instances|metadata)$/;

export function routeClassOf(
  route: Pick<RouteDefinition, 'access' | 'method' | 'path' | 'imageRendering'>,
): RouteClass {
  // Rendering first: a share recipient's images are public but cost what any render costs.
  if (route.imageRendering) return 'render';
  if (route.access.kind === 'public') return 'public';
  if (!route.path.startsWith('/dicomweb/')) return 'api';
  if (route.method !== 'GET') return 'store';
  return SEARCH_PATH.test(route.path) ? 'search' : 'retrieve';
}
