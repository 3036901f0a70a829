import * as z from 'zod';

/** Env of the accounts context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const AccountsTableEnvSchema = z.object({ ACCOUNTS_TABLE_NAME: z.string().min(1) });

export const CustomerPoolEnvSchema = z.object({ CUSTOMER_USER_POOL_ID: z.string().min(1) });

/**
 * Per-organization request limits (functions/accounts/core/request-quota.ts): the shared counters and the
 * organization's allowance per minute, which CDK sets from the capacity model (infra/api/capacity-model.ts).
 */
export const RequestCountersEnvSchema = z.object({
  REQUEST_COUNTERS_TABLE_NAME: z.string().min(1),
  ORGANIZATION_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1),
  /** The capped classes' own allowances: rendering and storing share a reserved concurrency. */
  ORGANIZATION_RENDERS_PER_MINUTE: z.coerce.number().int().min(1),
  ORGANIZATION_STORES_PER_MINUTE: z.coerce.number().int().min(1),
});

/**
 * The JWKS relay (functions/shared/auth/jwks-relay.ts): set only on functions in the VPC, which invoke it
 * for their pools' public keys; absent (locally, or isolation off), the verifier fetches over HTTPS.
 */
export const JwksRelayEnvSchema = z.object({ JWKS_RELAY_FUNCTION_NAME: z.string().min(1) });

/** The relay function itself: the two pools whose JWKS it may fetch, and nothing else. */
export const JwksRelayFunctionEnvSchema = z.object({
  CUSTOMER_USER_POOL_ID: z.string().min(1),
  SUPPORT_USER_POOL_ID: z.string().min(1),
});
export const JWKS_RELAY_HANDLER = 'accounts/handlers/relay-jwks';

/** Each binding of the accounts context and the env vars it sets (infra/accounts/bindings.ts grants them). */
export const ACCOUNTS_BINDINGS = {
  'accounts-table:read': AccountsTableEnvSchema,
  'accounts-table:write': AccountsTableEnvSchema,
  /** Every customer route: clear an invitation's expiry on first sign-in (one attribute, nothing else). */
  'accounts-table:accept-invitation': z.object({}),
  /** Every customer route: count the request against its organization's allowance (adds to a counter only). */
  'request-counters:count': RequestCountersEnvSchema,
  /** User management: the Cognito admin calls on the customer pool. */
  'customer-pool:admin': CustomerPoolEnvSchema,
  /** Functions in the VPC: lambda:InvokeFunction on the JWKS relay alone. */
  'jwks-relay:invoke': JwksRelayEnvSchema,
} as const;
