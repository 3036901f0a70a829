import * as z from 'zod';

/**
 * Billing [PP-16, PP-17]: PACScribe keeps only the Stripe customer id, the billing email and the billing
 * address per organization (plus the subscription's status and plan). Card entry happens on Stripe's pages:
 * every request schema here is strict, so a body carrying `card`, `number`, `cvc`, `exp_month`… is refused.
 */
export const PLANS = ['standard', 'enterprise'] as const;
export const PlanSchema = z.enum(PLANS);
export type Plan = z.infer<typeof PlanSchema>;

/** Stripe's subscription statuses, plus `none` before any subscription exists. */
export const SUBSCRIPTION_STATUSES = [
  'none',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
] as const;
export const SubscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

export const BillingAddressSchema = z.strictObject({
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  state: text(100).optional(),
  postalCode: text(20),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
});
export type BillingAddress = z.infer<typeof BillingAddressSchema>;

export const BillingContactSchema = z.strictObject({
  billingEmail: z.email().max(254),
  billingAddress: BillingAddressSchema,
});
export type BillingContact = z.infer<typeof BillingContactSchema>;

/** Start a subscription: the plan and the billing contact; never card details (strict). */
export const CheckoutBodySchema = BillingContactSchema.extend({ plan: PlanSchema }).strict();
export type CheckoutBody = z.infer<typeof CheckoutBodySchema>;

/** Open the customer portal; nothing to say (strict: card fields are refused here too). */
export const PortalBodySchema = z.strictObject({});

export const RedirectSchema = z.object({ url: z.url() });

export const InvoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  status: z.string().nullable(),
  amountPaid: z.number().int(),
  currency: z.string(),
  createdAt: z.iso.datetime({ offset: false }),
  hostedInvoiceUrl: z.url().nullable(),
});
export type Invoice = z.infer<typeof InvoiceSchema>;

/** The invoice lister's request: one Stripe customer (the id the billing table holds for an organization). */
export const InvoiceListRequestSchema = z.strictObject({
  customerId: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9_-]+$/),
});
export type InvoiceListRequest = z.infer<typeof InvoiceListRequestSchema>;
export const InvoiceListResponseSchema = z.strictObject({ invoices: z.array(InvoiceSchema) });
export type InvoiceListResponse = z.infer<typeof InvoiceListResponseSchema>;

export const BillingSummarySchema = z.object({
  plan: PlanSchema.nullable(),
  status: SubscriptionStatusSchema,
  billingEmail: z.string().nullable(),
  billingAddress: BillingAddressSchema.nullable(),
  invoices: z.array(InvoiceSchema),
});
export type BillingSummary = z.infer<typeof BillingSummarySchema>;

/** What PACScribe stores per organization: no card number, expiry or CVC, ever [PP-17]. */
export const BillingAccountSchema = z.object({
  orgId: z.string(),
  customerId: z.string(),
  billingEmail: z.string(),
  billingAddress: BillingAddressSchema,
  subscriptionId: z.string().nullable(),
  status: SubscriptionStatusSchema,
  plan: PlanSchema.nullable(),
  /** Ordering key of the event the subscription state came from (see core/webhook-events.ts). */
  stateVersion: z.string().nullable(),
});
export type BillingAccount = z.infer<typeof BillingAccountSchema>;

/**
 * Statuses in which the subscription has lapsed and the organization is in its read-only grace period
 * (docs/billing.md). `past_due` is not among them: while Stripe retries the payment, service continues.
 */
export const LAPSED_STATUSES: ReadonlySet<SubscriptionStatus> = new Set([
  'unpaid',
  'canceled',
  'incomplete_expired',
  'paused',
]);
