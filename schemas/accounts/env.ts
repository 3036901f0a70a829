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
} as const;
