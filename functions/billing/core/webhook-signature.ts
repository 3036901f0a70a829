/** Stripe signs `t=<unix seconds>,v1=<hmac>`; events this far from now, either way, are refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Port: checks a webhook's Stripe-Signature over the raw body and returns the parsed event. */
export interface WebhookVerifier {
  /** Throws WebhookSignatureError unless the signature and its timestamp are good. */
  verify(rawBody: Buffer, signatureHeader: string | undefined): unknown;
}
