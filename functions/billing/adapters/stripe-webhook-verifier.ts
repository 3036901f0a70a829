import type Stripe from 'stripe';
import { InvalidInputError } from '../../shared/errors';
import type { Clock } from '../../shared/ports';
import { WEBHOOK_TOLERANCE_SECONDS, type WebhookVerifier } from '../core/webhook-signature';

function refused(): InvalidInputError {
  // One answer for every failure: which check failed is not the sender's business.
  return new InvalidInputError('The webhook signature does not verify.', [], 'invalid_signature');
}

/**
 * Stripe's own verification (`stripe.webhooks.constructEvent`, HMAC-SHA256 over `t.rawBody`, constant-time
 * compare, tolerance 300 s). The library refuses only timestamps too far in the PAST (stripe@23:
 * `timestampAge > tolerance`); a future-dated one passes it, so that is refused here as well.
 */
export class StripeWebhookVerifier implements WebhookVerifier {
  constructor(
    /** `Stripe.webhooks`, passed in so the library is loaded on first use (functions/billing/deps.ts). */
    private readonly webhooks: Stripe.Webhooks,
    private readonly signingSecret: string,
    private readonly clock: Clock,
  ) {}

  verify(rawBody: Buffer, signatureHeader: string | undefined): unknown {
    if (!signatureHeader || signatureHeader.length > 4096) throw refused();
    const nowMs = this.clock.now().getTime();
    const timestamps = [...signatureHeader.matchAll(/(?:^|,)\s*t=(\d{1,12})(?=,|$)/g)].map((m) =>
      Number(m[1]),
    );
    if (timestamps.length !== 1) throw refused();
    const [timestamp] = timestamps as [number];
    if (timestamp - Math.floor(nowMs / 1000) > WEBHOOK_TOLERANCE_SECONDS) throw refused();
    try {
      return this.webhooks.constructEvent(
        rawBody,
        signatureHeader,
        this.signingSecret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        nowMs,
      );
    } catch {
      throw refused();
    }
  }
}
