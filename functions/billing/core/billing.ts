import type { BillingSummary, CheckoutBody } from '#schemas/billing/billing';
import { ConflictError } from '../../shared/errors';
import type { BillingDeps } from './ports';

/**
 * Starts a subscription through Stripe Checkout (hosted, subscription mode) [PP-16]: PACScribe sends the
 * plan and the billing contact, Stripe collects the card on its own page.
 */
export async function startCheckout(deps: BillingDeps, orgId: string, body: CheckoutBody) {
  const contact = { email: body.billingEmail, address: body.billingAddress };
  const existing = await deps.store.getAccount(orgId);
  if (existing && ['active', 'trialing', 'past_due'].includes(existing.status)) {
    throw new ConflictError('The organization already has a subscription: use the customer portal.');
  }
  let customerId = existing?.customerId;
  if (customerId) await deps.payments.updateCustomer(customerId, contact);
  else customerId = await deps.payments.createCustomer({ orgId, ...contact });
  await deps.store.saveContact({
    orgId,
    customerId,
    billingEmail: body.billingEmail,
    billingAddress: body.billingAddress,
  });
  return deps.payments.createCheckoutSession({
    customerId,
    orgId,
    plan: body.plan,
    successUrl: `${deps.appBaseUrl}/console/billing?checkout=success`,
    cancelUrl: `${deps.appBaseUrl}/console/billing?checkout=cancelled`,
  });
}

/** The Stripe customer portal, where the customer changes plan, card or address, or cancels. */
export async function openPortal(deps: BillingDeps, orgId: string) {
  const account = await deps.store.getAccount(orgId);
  if (!account) throw new ConflictError('The organization has no billing account yet: start a checkout.');
  return deps.payments.createPortalSession({
    customerId: account.customerId,
    returnUrl: `${deps.appBaseUrl}/console/billing`,
  });
}

/** Plan, status, billing contact and invoices (read from Stripe, not stored). */
export async function billingSummary(deps: BillingDeps, orgId: string): Promise<BillingSummary> {
  const account = await deps.store.getAccount(orgId);
  if (!account) {
    return { plan: null, status: 'none', billingEmail: null, billingAddress: null, invoices: [] };
  }
  return {
    plan: account.plan,
    status: account.status,
    billingEmail: account.billingEmail,
    billingAddress: account.billingAddress,
    invoices: await deps.payments.listInvoices(account.customerId),
  };
}
