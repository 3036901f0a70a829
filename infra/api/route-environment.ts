import * as z from 'zod';
import { isDicomwebPath } from '#functions/shared/http/cors';
import type { RouteDefinition } from '#functions/shared/http/route';
import {
  BaseEnvSchema,
  type Binding,
  bindingEnvSchema,
  ConsoleCorsEnvSchema,
  DicomwebCorsEnvSchema,
} from '#schemas/shared/env';

/**
 * Access tokens carry this scope, ID tokens none: API Gateway's authorizer requires it, so the API refuses
 * ID tokens (and any token minted without it); the local router makes the same check.
 */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * What a route's function is bound to and the env that implies, for the API construct (which grants it)
 * and the local stack (which checks its env against it). No aws-cdk-lib here: the local stack imports it.
 */
type RouteBindingFacts = Pick<RouteDefinition, 'path' | 'access' | 'bindings' | 'subscriptionGated'>;

/**
 * Every HTTP route reads memberships (authorization) and appends audit records, whatever else it does.
 * Customer routes may also record a first sign-in (invitation acceptance), record continued use as
 * acceptance of the privacy policy in force [PP-24], and look up a support access
 * grant named by `X-Support-Grant` (grant items only), so that a support request is decided, and refused
 * or recorded, in the trail of the organization the grant names, whichever route it tries [PP-08, PP-09].
 * Each customer request is counted against its organization's allowance (request counters, add only).
 * Staff have no memberships, and workforce routes get no write on the accounts table at all.
 */
const ROUTE_BASE_BINDINGS = [
  'accounts-table:read',
  'accounts-table:accept-invitation',
  'policy-acceptance:record',
  'audit-table:append',
  'support-grants:lookup',
  'request-counters:count',
] as const satisfies readonly Binding[];
const WORKFORCE_ROUTE_BASE_BINDINGS = [
  'accounts-table:read',
  'audit-table:append',
] as const satisfies readonly Binding[];

/**
 * The route's base bindings, then its own, each once. A subscription-gated route also reads the
 * organization's subscription status (that one attribute of the billing table, nothing else).
 */
export function routeBindings(route: RouteBindingFacts): Binding[] {
  const base = route.access.kind === 'workforce' ? WORKFORCE_ROUTE_BASE_BINDINGS : ROUTE_BASE_BINDINGS;
  const standing: Binding[] = route.subscriptionGated ? ['billing-standing:read'] : [];
  return [...new Set<Binding>([...base, ...standing, ...route.bindings])];
}

/** The whole env contract of a route's function: the base contract, its bindings' env, CORS origins. */
export function routeEnvSchema(route: RouteBindingFacts): z.ZodObject {
  return z.object({
    ...BaseEnvSchema.shape,
    ...bindingEnvSchema(routeBindings(route)).shape,
    ...ConsoleCorsEnvSchema.shape,
    ...(isDicomwebPath(route.path) ? DicomwebCorsEnvSchema.shape : {}),
  });
}
