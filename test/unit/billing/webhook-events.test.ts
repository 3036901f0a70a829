import { processStripeEvent, stateVersion } from '../../../functions/billing/core/webhook-events';
import { StripeEventSchema } from '../../../schemas/billing/stripe-events';
import { InMemoryBillingStore, RecordingMailer } from '../../support/billing-fakes';

const NOW = new Date('2026-12-03T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

function setup() {
  const store = new InMemoryBillingStore();
  const mailer = new RecordingMailer();
  const deps = { store, mailer, clock: { now: () => NOW } };
  void store.saveContact({
    orgId: 'org-1',
    customerId: 'cus_1',
    billingEmail: 'billing@clinic.example',
    billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  });
  return { store, mailer, deps };
}

const subscriptionEvent = (
  id: string,
  created: number,
  status: string,
  type = 'customer.subscription.updated',
) =>
  StripeEventSchema.parse({
    id,
    object: 'event',
    type,
    created,
    data: {
      object: {
        object: 'subscription',
        id: 'sub_1',
        customer: 'cus_1',
        status,
        metadata: { plan: 'standard' },
      },
    },
  });
const invoicePaid = (id: string, invoiceId = 'in_1') =>
  StripeEventSchema.parse({
    id,
    object: 'event',
    type: 'invoice.paid',
    created: T,
    data: {
      object: {
        object: 'invoice',
        id: invoiceId,
        customer: 'cus_1',
        number: 'PACS-0001',
        amount_paid: 4900,
        currency: 'usd',
        created: T,
        hosted_invoice_url: 'https://invoice.stripe.com/i/test',
      },
    },
  });

describe('Stripe webhook events', () => {
  it('processes each event id once under duplicate and concurrent delivery', async () => {
    const { store, deps } = setup();
    const event = subscriptionEvent('evt_1', T, 'active', 'customer.subscription.created');
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => processStripeEvent(deps, event)));
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'processed']);
    expect(await processStripeEvent(deps, event)).toBe('duplicate');
    expect((await store.getAccount('org-1'))?.status).toBe('active');
  });

  it('keeps event ids for at least 30 days', async () => {
    const { store, deps } = setup();
    await processStripeEvent(deps, subscriptionEvent('evt_1', T, 'active'));
    expect(store.events.get('evt_1')).toBeGreaterThanOrEqual(T + 30 * 86_400);
  });

  it('leaves the newest state when events arrive out of order', async () => {
    const { store, deps } = setup();
    await processStripeEvent(
      deps,
      subscriptionEvent('evt_3', T + 20, 'canceled', 'customer.subscription.deleted'),
    );
    await processStripeEvent(
      deps,
      subscriptionEvent('evt_1', T, 'incomplete', 'customer.subscription.created'),
    );
    await processStripeEvent(deps, subscriptionEvent('evt_2', T + 10, 'active'));
    expect(await store.getAccount('org-1')).toMatchObject({ status: 'canceled', plan: 'standard' });
  });

  it('breaks a tie of the same second by the later status in a subscription’s life', async () => {
    const { store, deps } = setup();
    await processStripeEvent(deps, subscriptionEvent('evt_2', T, 'active'));
    await processStripeEvent(
      deps,
      subscriptionEvent('evt_1', T, 'incomplete', 'customer.subscription.created'),
    );
    expect((await store.getAccount('org-1'))?.status).toBe('active');
    expect(stateVersion(T, 'active') > stateVersion(T, 'incomplete')).toBe(true);
    expect(stateVersion(T + 1, 'incomplete') > stateVersion(T, 'canceled')).toBe(true);
  });

  it('[PP-17] mails the receipt once on invoice.paid to the billing email, as transactional mail', async () => {
    const { mailer, deps } = setup();
    await Promise.all([
      processStripeEvent(deps, invoicePaid('evt_9')),
      processStripeEvent(deps, invoicePaid('evt_9')),
    ]);
    // Stripe may also send a second event about the same invoice: still one receipt.
    await processStripeEvent(deps, invoicePaid('evt_10'));
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'billing@clinic.example', category: 'transactional' });
    expect(mailer.sent[0]?.text).toContain('49.00 USD');
  });

  it('releases the claims when mailing fails, so Stripe’s retry sends the receipt', async () => {
    const { mailer, deps } = setup();
    mailer.failNext = true;
    await expect(processStripeEvent(deps, invoicePaid('evt_9'))).rejects.toThrow('SES unavailable');
    expect(await processStripeEvent(deps, invoicePaid('evt_9'))).toBe('processed');
    expect(mailer.sent).toHaveLength(1);
  });

  it('ignores event types PACScribe does not use, recording nothing', async () => {
    const { store, deps } = setup();
    const event = StripeEventSchema.parse({
      id: 'evt_x',
      object: 'event',
      type: 'charge.succeeded',
      created: T,
      data: { object: { object: 'charge' } },
    });
    expect(await processStripeEvent(deps, event)).toBe('ignored');
    expect(store.events.size).toBe(0);
  });
});
