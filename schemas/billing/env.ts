import * as z from 'zod';

/** Env of the billing context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const BillingTableEnvSchema = z.object({ BILLING_TABLE_NAME: z.string().min(1) });

/**
 * Stripe's secret API key and webhook signing secret: a Secrets Manager secret ARN in AWS (JSON
 * `{ "secretKey", "webhookSigningSecret" }`, read once at cold start); locally `local:<path>`, a JSON file
 * the local stack wrote, which also selects the local Stripe fake.
 */
export const StripeSecretEnvSchema = z.object({
  BILLING_STRIPE_SECRET: z.string().min(1),
  /** Where Stripe's pages send the customer back: the console's billing page under this URL. */
  BILLING_RETURN_BASE_URL: z.url(),
});

/**
 * The invoice lister outside the VPC (functions/billing/handlers/list-invoices.ts): set only on the export
 * task in the VPC, which cannot reach api.stripe.com; absent (locally, or isolation off), the export calls
 * the payment provider itself.
 */
export const BillingInvoicesEnvSchema = z.object({ BILLING_INVOICES_FUNCTION_NAME: z.string().min(1) });
export const BILLING_INVOICES_HANDLER = 'billing/handlers/list-invoices';

/** Each binding of the billing context and the env vars it sets (infra/billing/bindings.ts grants them). */
export const BILLING_BINDINGS = {
  /** Billing contact, subscription state, processed event ids and receipts: read and write. */
  'billing-table:write': BillingTableEnvSchema,
  /** Billing contact and subscription state: GetItem and Query only (the organization's export). */
  'billing-table:read': BillingTableEnvSchema,
  /**
   * GetItem of one attribute, the subscription status, of organization billing items: how gated routes
   * learn whether the organization is in its read-only grace period, without seeing the billing contact.
   */
  'billing-standing:read': BillingTableEnvSchema,
  /** GetSecretValue on the Stripe secret. */
  'stripe:secret': StripeSecretEnvSchema,
  /** The export task in the VPC: lambda:InvokeFunction on the invoice lister alone. */
  'billing-invoices:invoke': BillingInvoicesEnvSchema,
} as const;

/** The invoice lister's own bindings: the Stripe secret, nothing else (no table, no PHI). */
export const BILLING_INVOICES_BINDINGS = ['stripe:secret'] as const;
