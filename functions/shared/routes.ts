import { MeResponseSchema } from '#schemas/accounts/me';
import { SignupBodySchema, SignupResponseSchema } from '#schemas/accounts/signup';
import { HealthResponseSchema } from '#schemas/shared/health';
import type { RouteDefinition } from './http/route';

/**
 * The one route table. It feeds the CDK API, the local router, the OpenAPI document and the
 * authorization-matrix tests, so a route exists everywhere or nowhere.
 */
export const routes = [
  {
    id: 'health',
    method: 'GET',
    path: '/health',
    context: 'shared',
    handler: 'shared/handlers/health',
    summary: 'Liveness check; returns no customer data.',
    access: { kind: 'public', reason: 'Load balancers and uptime checks call it without credentials.' },
    audit: null,
    bindings: [],
    responses: { 200: { description: 'The service is up.', schema: HealthResponseSchema } },
  },
  {
    id: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    context: 'shared',
    handler: 'shared/handlers/get-openapi',
    summary: 'This API described as OpenAPI 3.1, generated from the route table.',
    access: { kind: 'public', reason: 'Describes the API only; holds no customer data.' },
    audit: null,
    bindings: [],
    responses: { 200: { description: 'The OpenAPI document.' } },
  },
  {
    id: 'signup',
    method: 'POST',
    path: '/v1/signup',
    context: 'accounts',
    handler: 'accounts/handlers/signup',
    summary: 'Create an organization and its first administrator [PP-01].',
    access: {
      kind: 'public',
      reason: 'Sign-up happens before an identity exists; the body is strictly validated.',
    },
    audit: 'account-created',
    bindings: ['accounts-table:write', 'customer-pool:admin', 'welcome-workflow:start'],
    request: { body: SignupBodySchema, maxBodyBytes: 8 * 1024 },
    responses: {
      201: { description: 'Organization and administrator created.', schema: SignupResponseSchema },
      409: { description: 'The email address cannot be used for a new account.' },
    },
  },
  {
    id: 'getMe',
    method: 'GET',
    path: '/v1/me',
    context: 'accounts',
    handler: 'accounts/handlers/get-me',
    summary: "The caller's profile, organization, role and effective permissions.",
    access: { kind: 'member' },
    audit: 'account-read',
    bindings: [],
    responses: { 200: { description: 'The caller.', schema: MeResponseSchema } },
  },
] as const satisfies readonly RouteDefinition[];

export type RouteId = (typeof routes)[number]['id'];

export function routeById(id: RouteId): RouteDefinition {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`unknown route ${id}`);
  return route;
}
