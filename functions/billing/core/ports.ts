import type {
  BillingAccount,
  BillingAddress,
  Invoice,
  Plan,
  SubscriptionStatus,
} from '#schemas/billing/billing';
import type { Mailer } from '../../shared/mailer';
import type { Clock } from '../../shared/ports';

/**
 * Port: the outbound calls PACScribe makes to Stripe. The AWS adapter is the `stripe` client; locally a
 * fake serves a checkout page and sends signed webhooks. Nothing crossing it carries card data or PHI.
 */
export interface PaymentsGateway {
  createCustomer(input: { orgId: string; email: string; address: BillingAddress }): Promise<string>;
  updateCustomer(customerId: string, input: { email: string; address: BillingAddress }): Promise<void>;
  createCheckoutSession(input: {
    customerId: string;
    orgId: string;
    plan: Plan;
    successUrl: string;
    cancelUrl: string;
  }): Promise<{ url: string }>;
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  listInvoices(customerId: string): Promise<Invoice[]>;
}

/** The subscription state one event says, with its ordering key. */
export interface SubscriptionState {
  subscriptionId: string;
  status: SubscriptionStatus;
  plan: Plan | null;
  version: string;
}

/** Port: the billing table. Every write that must happen once is conditional. */
export interface BillingStore {
  getAccount(orgId: string): Promise<BillingAccount | null>;
  /** Creates or updates the contact; the customer id, once set, is kept. */
  saveContact(
    account: Pick<BillingAccount, 'orgId' | 'customerId' | 'billingEmail' | 'billingAddress'>,
  ): Promise<void>;
  findOrgByCustomer(customerId: string): Promise<string | null>;
  /** Records an event id; false when it was already recorded (a duplicate or concurrent delivery). */
  claimEvent(eventId: string, expiresAtEpoch: number): Promise<boolean>;
  /** Forgets a claim whose processing failed, so Stripe's retry is processed. */
  releaseEvent(eventId: string): Promise<void>;
  /** Writes the state unless the stored state is as new or newer; false when it was older news. */
  applySubscription(orgId: string, state: SubscriptionState): Promise<boolean>;
  /** Records that an invoice's receipt is being sent; false when it already was. */
  claimReceipt(invoiceId: string, orgId: string): Promise<boolean>;
  releaseReceipt(invoiceId: string): Promise<void>;
}

export interface BillingDeps {
  store: BillingStore;
  payments: PaymentsGateway;
  appBaseUrl: string;
}

export interface WebhookDeps {
  store: BillingStore;
  mailer: Mailer;
  clock: Clock;
}
