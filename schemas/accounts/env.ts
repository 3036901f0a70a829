import * as z from 'zod';

/** Env of the accounts context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const AccountsTableEnvSchema = z.object({ ACCOUNTS_TABLE_NAME: z.string().min(1) });

export const CustomerPoolEnvSchema = z.object({ CUSTOMER_USER_POOL_ID: z.string().min(1) });

/** Each binding of the accounts context and the env vars it sets (infra/accounts/bindings.ts grants them). */
export const ACCOUNTS_BINDINGS = {
  'accounts-table:read': AccountsTableEnvSchema,
  'accounts-table:write': AccountsTableEnvSchema,
  /** Every customer route: clear an invitation's expiry on first sign-in (one attribute, nothing else). */
  'accounts-table:accept-invitation': z.object({}),
  /** User management: the Cognito admin calls on the customer pool. */
  'customer-pool:admin': CustomerPoolEnvSchema,
} as const;
