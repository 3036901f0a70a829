import type Stripe from 'stripe';
import type { BillingAddress, Invoice, Plan } from '#schemas/billing/billing';
import type { PaymentsGateway } from '../core/ports';

/** Ops create one recurring price per plan in Stripe with this lookup key (docs: README, Billing). */
export const priceLookupKey = (plan: Plan) => `pacscribe-${plan}`;

const stripeAddress = (address: BillingAddress): Stripe.AddressParam => ({
  line1: address.line1,
  line2: address.line2,
  city: address.city,
  state: address.state,
  postal_code: address.postalCode,
  country: address.country,
});

/**
 * The real Stripe API through the official client. Only the organization id, billing email and address
 * go to Stripe (metadata holds ids, never PHI); card details are entered on Stripe's hosted pages.
 */
export class StripePaymentsGateway implements PaymentsGateway {
  constructor(private readonly stripe: Stripe) {}

  async createCustomer(input: { orgId: string; email: string; address: BillingAddress }): Promise<string> {
    const customer = await this.stripe.customers.create(
      { email: input.email, address: stripeAddress(input.address), metadata: { orgId: input.orgId } },
      { idempotencyKey: `customer-${input.orgId}` },
    );
    return customer.id;
  }

  async updateCustomer(customerId: string, input: { email: string; address: BillingAddress }) {
    await this.stripe.customers.update(customerId, {
      email: input.email,
      address: stripeAddress(input.address),
    });
  }

  async createCheckoutSession(input: {
    customerId: string;
    orgId: string;
    plan: Plan;
    successUrl: string;
    cancelUrl: string;
  }) {
    const prices = await this.stripe.prices.list({ lookup_keys: [priceLookupKey(input.plan)], active: true });
    const price = prices.data[0];
    if (!price) throw new Error(`no active Stripe price with lookup key ${priceLookupKey(input.plan)}`);
    const session = await this.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: input.customerId,
      client_reference_id: input.orgId,
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { metadata: { orgId: input.orgId, plan: input.plan } },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
    });
    if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
    return { url: session.url };
  }

  async createPortalSession(input: { customerId: string; returnUrl: string }) {
    const session = await this.stripe.billingPortal.sessions.create({
      customer: input.customerId,
      return_url: input.returnUrl,
    });
    return { url: session.url };
  }

  async listInvoices(customerId: string): Promise<Invoice[]> {
    const invoices = await this.stripe.invoices.list({ customer: customerId, limit: 24 });
    return invoices.data.map((invoice) => ({
      id: invoice.id ?? '',
      number: invoice.number ?? null,
      status: invoice.status ?? null,
      amountPaid: invoice.amount_paid,
      currency: invoice.currency,
      createdAt: new Date(invoice.created * 1000).toISOString(),
      hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    }));
  }
}
