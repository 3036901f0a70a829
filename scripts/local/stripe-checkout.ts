import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import Stripe from 'stripe';
import {
  type LocalCheckoutSession,
  type LocalInvoice,
  type LocalStripeConfig,
  LocalStripeState,
  localId,
} from '../../functions/billing/adapters/local-stripe-fake';
import { escapeHtml } from '../../functions/mail/core/html';
import type { LocalPages } from './router';

/**
 * The fake's secrets and state directory, made at first start and kept across restarts; the file is what
 * `BILLING_STRIPE_SECRET=local:<path>` names (the AWS secret holds the same two secrets).
 */
export function localStripeConfig(dataDir: string, apiUrl: string) {
  const dir = path.join(dataDir, 'local-stripe');
  const file = path.join(dir, 'config.json');
  mkdirSync(dir, { recursive: true });
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalStripeConfig>)
    : {};
  const config: LocalStripeConfig = {
    secretKey: previous.secretKey ?? `sk_test_local_${randomBytes(16).toString('hex')}`,
    webhookSigningSecret: previous.webhookSigningSecret ?? `whsec_${randomBytes(24).toString('base64url')}`,
    stateDir: path.join(dir, 'state'),
    apiUrl,
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return { path: file, config };
}

/** What the fake charges per plan, in cents (US dollars). */
const PLAN_AMOUNTS = { standard: 4900, enterprise: 19900 } as const;

const html = (status: number, body: string): APIGatewayProxyResult => ({
  statusCode: status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>Local Stripe</title></head><body>${body}</body></html>`,
});

/**
 * Posts one event to the API's webhook route, signed exactly as Stripe signs (`t=…,v1=HMAC-SHA256`) by
 * the stripe package's own signing code, over the local HTTPS server.
 */
function sendSignedWebhook(config: LocalStripeConfig, ca: string, event: object): Promise<number> {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: config.webhookSigningSecret,
  });
  const url = new URL('/v1/billing/webhook', config.apiUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      url,
      {
        method: 'POST',
        ca,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

const event = (type: string, object: object, created: number) => ({
  id: localId('evt'),
  object: 'event',
  api_version: '2026-10-28.endive',
  created,
  livemode: false,
  pending_webhooks: 1,
  type,
  data: { object },
});

/**
 * The local stand-in for Stripe's hosted Checkout and portal pages, for the flow PACScribe uses: a page
 * showing the plan and a "Pay" button (no card fields: the fake takes no card data either). Paying
 * completes the session, records a subscription and a paid invoice, sends the webhooks Stripe sends
 * (checkout.session.completed, customer.subscription.created, invoice.paid) and redirects to success_url.
 */
export function localStripePages(config: LocalStripeConfig, ca: string): LocalPages {
  const state = new LocalStripeState(config.stateDir);
  return async (method, url) => {
    const checkout = /^\/local-stripe\/checkout\/([a-z0-9_]+)(\/pay)?$/.exec(url.pathname);
    if (checkout?.[1]) {
      const session = state.read<LocalCheckoutSession>('sessions', checkout[1]);
      if (!session) return html(404, '<p>No such checkout session.</p>');
      if (method === 'GET' && !checkout[2]) {
        const amount = (PLAN_AMOUNTS[session.plan] / 100).toFixed(2);
        return html(
          200,
          `<h1>PACScribe ${escapeHtml(session.plan)} plan</h1><p>${amount} USD per month</p>` +
            (session.status === 'open'
              ? `<form method="post" action="/local-stripe/checkout/${escapeHtml(session.id)}/pay"><button type="submit">Pay</button></form>`
              : '<p>This session is complete.</p>') +
            `<p><a href="${escapeHtml(session.cancelUrl)}">Cancel</a></p>`,
        );
      }
      if (method === 'POST' && checkout[2]) {
        if (session.status !== 'open') return html(409, '<p>This session is complete.</p>');
        state.write('sessions', session.id, { ...session, status: 'complete' });
        const created = Math.floor(Date.now() / 1000);
        const subscription = {
          id: localId('sub'),
          object: 'subscription',
          customer: session.customerId,
          status: 'active',
          metadata: { orgId: session.orgId, plan: session.plan },
          created,
        };
        const invoice: LocalInvoice = {
          id: localId('in'),
          customer: session.customerId,
          number: `LOCAL-${created}`,
          status: 'paid',
          amount_paid: PLAN_AMOUNTS[session.plan],
          currency: 'usd',
          created,
          hosted_invoice_url: `${config.apiUrl}/local-stripe/invoice`,
        };
        state.write('invoices', invoice.id, invoice);
        const events = [
          event(
            'checkout.session.completed',
            {
              id: session.id,
              object: 'checkout.session',
              customer: session.customerId,
              subscription: subscription.id,
              client_reference_id: session.orgId,
              mode: 'subscription',
              status: 'complete',
              payment_status: 'paid',
            },
            created,
          ),
          event('customer.subscription.created', subscription, created),
          event('invoice.paid', { object: 'invoice', subscription: subscription.id, ...invoice }, created),
        ];
        for (const each of events) {
          const status = await sendSignedWebhook(config, ca, each);
          if (status !== 200) return html(502, `<p>The webhook was refused (${status}).</p>`);
        }
        return { statusCode: 303, headers: { location: session.successUrl }, body: '' };
      }
      return html(405, '<p>Method not allowed.</p>');
    }
    if (/^\/local-stripe\/portal\/[a-z0-9_]+$/.test(url.pathname) && method === 'GET') {
      return html(
        200,
        '<h1>Customer portal (local)</h1><p>Plan, card and invoices are managed on Stripe.</p>',
      );
    }
    return html(404, '<p>Not found.</p>');
  };
}
