import * as z from 'zod';

/**
 * The parts of Stripe webhook events PACScribe reads (https://docs.stripe.com/api/events). Loose: Stripe
 * adds fields; only these are relied on. `created` is the event's creation time in Unix seconds.
 */
const customerId = z
  .union([z.string(), z.object({ id: z.string() })])
  .transform((value) => (typeof value === 'string' ? value : value.id));

export const StripeSubscriptionObjectSchema = z.object({
  object: z.literal('subscription'),
  id: z.string(),
  customer: customerId,
  status: z.string(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

export const StripeInvoiceObjectSchema = z.object({
  object: z.literal('invoice'),
  id: z.string(),
  customer: customerId,
  number: z.string().nullish(),
  amount_paid: z.number().int(),
  currency: z.string(),
  created: z.number().int(),
  hosted_invoice_url: z.string().nullish(),
});

export const StripeEventSchema = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('event'),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.looseObject({ object: z.string() }) }),
});
export type StripeEvent = z.infer<typeof StripeEventSchema>;
