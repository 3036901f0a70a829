import {
  type Plan,
  PlanSchema,
  type SubscriptionStatus,
  SubscriptionStatusSchema,
} from '#schemas/billing/billing';
import {
  type StripeEvent,
  StripeInvoiceObjectSchema,
  StripeSubscriptionObjectSchema,
} from '#schemas/billing/stripe-events';
import { composeReceiptMail } from '../../mail/core/receipt-mail';
import type { WebhookDeps } from './ports';

/** Processed event ids are kept this long, beyond Stripe's three days of retries. */
export const EVENT_ID_RETENTION_DAYS = 35;

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

/**
 * Within one second, a subscription moves forward through its life: a later status wins a tie of
 * `created` so that, say, `active` is not overwritten by an `incomplete` sent in the same second.
 */
const STATUS_RANK: Record<SubscriptionStatus, number> = {
  none: 0,
  incomplete: 1,
  trialing: 2,
  active: 3,
  past_due: 4,
  unpaid: 5,
  paused: 5,
  incomplete_expired: 6,
  canceled: 7,
};

/**
 * The ordering key of the state an event carries: the event's creation time (seconds, zero-padded so
 * that strings compare like numbers), then the status rank. Stripe does not promise delivery in order,
 * so a state is written only over an older key (BillingStore.applySubscription).
 */
export function stateVersion(createdEpochSeconds: number, status: SubscriptionStatus): string {
  return `${String(createdEpochSeconds).padStart(12, '0')}#${STATUS_RANK[status]}`;
}

/**
 * Processes one verified Stripe event exactly once [PP-16, PP-17]. The event id is claimed with a
 * conditional write first: a duplicate or concurrent delivery finds it claimed and changes nothing. If
 * processing fails the claim is released so that Stripe's retry is processed. Each effect is idempotent
 * on its own too (ordered state; receipts claimed per invoice), so a retry after a partial failure is safe.
 */
export async function processStripeEvent(deps: WebhookDeps, event: StripeEvent): Promise<WebhookOutcome> {
  const handler = HANDLERS[event.type];
  if (!handler) return 'ignored';
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + EVENT_ID_RETENTION_DAYS * 86_400;
  if (!(await deps.store.claimEvent(event.id, expiresAt))) return 'duplicate';
  try {
    await handler(deps, event);
  } catch (error) {
    await deps.store.releaseEvent(event.id);
    throw error;
  }
  return 'processed';
}

type EventHandler = (deps: WebhookDeps, event: StripeEvent) => Promise<void>;

async function applySubscriptionEvent(deps: WebhookDeps, event: StripeEvent): Promise<void> {
  const subscription = StripeSubscriptionObjectSchema.parse(event.data.object);
  const orgId = await deps.store.findOrgByCustomer(subscription.customer);
  if (!orgId) return; // not a PACScribe customer (or not yet linked): nothing to update
  const parsedStatus = SubscriptionStatusSchema.safeParse(subscription.status);
  const status: SubscriptionStatus =
    event.type === 'customer.subscription.deleted'
      ? 'canceled'
      : parsedStatus.success
        ? parsedStatus.data
        : 'none';
  const plan: Plan | null = PlanSchema.safeParse(subscription.metadata?.plan).data ?? null;
  await deps.store.applySubscription(orgId, {
    subscriptionId: subscription.id,
    status,
    plan,
    version: stateVersion(event.created, status),
  });
}

async function mailReceipt(deps: WebhookDeps, event: StripeEvent): Promise<void> {
  const invoice = StripeInvoiceObjectSchema.parse(event.data.object);
  const orgId = await deps.store.findOrgByCustomer(invoice.customer);
  if (!orgId) return;
  const account = await deps.store.getAccount(orgId);
  if (!account) return;
  // Once per invoice, whichever event (or retry) gets here first [PP-02].
  if (!(await deps.store.claimReceipt(invoice.id, orgId))) return;
  try {
    await deps.mailer.send(
      composeReceiptMail(account.billingEmail, {
        invoiceId: invoice.id,
        number: invoice.number ?? null,
        amountPaid: invoice.amount_paid,
        currency: invoice.currency,
        paidAt: new Date(event.created * 1000),
        hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      }),
    );
  } catch (error) {
    await deps.store.releaseReceipt(invoice.id);
    throw error;
  }
}

const HANDLERS: Readonly<Record<string, EventHandler>> = {
  'customer.subscription.created': applySubscriptionEvent,
  'customer.subscription.updated': applySubscriptionEvent,
  'customer.subscription.deleted': applySubscriptionEvent,
  'customer.subscription.paused': applySubscriptionEvent,
  'customer.subscription.resumed': applySubscriptionEvent,
  'invoice.paid': mailReceipt,
};
