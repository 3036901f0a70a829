import Stripe from 'stripe';
import { StripeWebhookVerifier } from '../../../functions/billing/adapters/stripe-webhook-verifier';
import { InvalidInputError } from '../../../functions/shared/errors';

const SECRET = 'whsec_test_signing_secret';
const NOW = new Date('2026-12-03T12:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const verifier = new StripeWebhookVerifier(Stripe.webhooks, SECRET, { now: () => NOW });
const payload = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'invoice.paid',
  created: nowSeconds,
  data: { object: { object: 'invoice', id: 'in_1' } },
});
const sign = (body: string, options: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? nowSeconds,
  });
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof InvalidInputError ? error.code : 'other';
  }
};

describe('Stripe webhook signature', () => {
  it('[PP-16] accepts an event signed with the signing secret over the raw body', () => {
    expect(verifier.verify(Buffer.from(payload), sign(payload))).toMatchObject({ id: 'evt_1' });
    expect(
      codeOf(() => verifier.verify(Buffer.from(payload), sign(payload, { timestamp: nowSeconds - 300 }))),
    ).toBe('accepted');
    expect(
      codeOf(() => verifier.verify(Buffer.from(payload), sign(payload, { timestamp: nowSeconds + 300 }))),
    ).toBe('accepted');
  });

  type Case = readonly [string, () => readonly [string, string | undefined]];
  it.each<Case>([
    ['an event signed with another secret', () => [payload, sign(payload, { secret: 'whsec_other' })]],
    ['a tampered body', () => [payload.replace('in_1', 'in_2'), sign(payload)]],
    ['a re-serialized body', () => [JSON.stringify(JSON.parse(payload), null, 2), sign(payload)]],
    ['an event signed 301 s in the past', () => [payload, sign(payload, { timestamp: nowSeconds - 301 })]],
    ['an event signed 301 s in the future', () => [payload, sign(payload, { timestamp: nowSeconds + 301 })]],
    ['a request without a signature', () => [payload, undefined]],
    ['a header with two timestamps', () => [payload, `t=${nowSeconds + 1000},${sign(payload)}`]],
    ['a v0 (test-mode) signature only', () => [payload, sign(payload).replace('v1=', 'v0=')]],
  ])('[PP-16] refuses %s', (_case, build) => {
    const [body, header] = build();
    expect(codeOf(() => verifier.verify(Buffer.from(body), header))).toBe('invalid_signature');
  });

  it('stripe@23 itself accepts a future timestamp, which is why PACScribe checks it', () => {
    const header = sign(payload, { timestamp: nowSeconds + 3600 });
    expect(() =>
      Stripe.webhooks.constructEvent(payload, header, SECRET, 300, undefined, NOW.getTime()),
    ).not.toThrow();
  });
});
