import {
  BillingSummarySchema,
  CheckoutBodySchema,
  PortalBodySchema,
  RedirectSchema,
} from '#schemas/billing/billing';
import { defineRoute } from '../shared/http/route';

const manageBilling = { kind: 'action', action: 'manage-billing' } as const;

/**
 * Billing through Stripe [PP-16, PP-17]: hosted Checkout and the customer portal take the card; PACScribe
 * keeps the Stripe customer id, billing email and address, and the subscription state Stripe's signed
 * webhooks report. None of these functions is bound to imaging data or the audit reader (no PHI).
 */
export const billingRoutes = {
  getBilling: defineRoute('billing', 'getBilling', {
    method: 'GET',
    path: '/v1/billing',
    handler: 'billing/handlers/get-billing',
    pathParameters: {},
    summary: 'Plan, subscription status, billing email and address, and invoices (read from Stripe).',
    access: manageBilling,
    audit: 'billing-read',
    bindings: ['billing-table:write', 'stripe:secret'],
    responses: { 200: { description: 'The billing summary.', schema: BillingSummarySchema } },
  }),
  startCheckout: defineRoute('billing', 'startCheckout', {
    method: 'POST',
    path: '/v1/billing/checkout',
    handler: 'billing/handlers/start-checkout',
    pathParameters: {},
    summary:
      'Start a subscription: answers the URL of a Stripe Checkout page, where the card is entered (never here) [PP-16].',
    access: manageBilling,
    audit: 'billing-checkout-started',
    bindings: ['billing-table:write', 'stripe:secret'],
    request: { body: CheckoutBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      201: { description: 'The Stripe Checkout URL.', schema: RedirectSchema },
      409: { description: 'The organization already has a subscription: use the portal.' },
    },
  }),
  openPortal: defineRoute('billing', 'openPortal', {
    method: 'POST',
    path: '/v1/billing/portal',
    handler: 'billing/handlers/open-portal',
    pathParameters: {},
    summary: 'The Stripe customer portal: change plan, card or billing address, see invoices, cancel.',
    access: manageBilling,
    audit: 'billing-portal-opened',
    bindings: ['billing-table:write', 'stripe:secret'],
    request: { body: PortalBodySchema, maxBodyBytes: 1024 },
    responses: {
      201: { description: 'The portal URL.', schema: RedirectSchema },
      409: { description: 'No billing account yet: start a checkout first.' },
    },
  }),
  receiveStripeWebhook: defineRoute('billing', 'receiveStripeWebhook', {
    method: 'POST',
    path: '/v1/billing/webhook',
    handler: 'billing/handlers/receive-stripe-webhook',
    pathParameters: {},
    summary:
      'Stripe webhooks: the Stripe-Signature over the raw body is verified (300 s either way) and each event id processed once.',
    access: {
      kind: 'public',
      reason:
        'Stripe calls it without a token; the Stripe-Signature HMAC over the raw body with the signing secret is the credential, timestamps beyond 300 s either way are refused, and event ids are processed once.',
    },
    audit: 'billing-webhook-received',
    bindings: ['billing-table:write', 'stripe:secret', 'mail:send'],
    request: {
      rawBody: { mediaType: 'application/json', description: 'A Stripe event, exactly as Stripe signed it.' },
      maxBodyBytes: 256 * 1024,
    },
    responses: {
      200: { description: 'Received (processed, a duplicate, or a type PACScribe does not use).' },
      400: { description: 'invalid_signature: the signature, body or timestamp does not verify.' },
    },
  }),
};
