import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { SesMailer } from '../mail/adapters/ses-mailer';
import { dynamoDocumentClient, sesClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock } from '../shared/ports';
import { DynamoBillingStore } from './adapters/dynamo-billing-store';
import { type LocalStripeConfig, LocalStripeFake } from './adapters/local-stripe-fake';
import { StripePaymentsGateway } from './adapters/stripe-payments-gateway';
import { StripeWebhookVerifier } from './adapters/stripe-webhook-verifier';
import type { BillingDeps, PaymentsGateway, WebhookDeps } from './core/ports';
import type { WebhookVerifier } from './core/webhook-signature';

const StripeSecretSchema = z.object({
  secretKey: z.string().min(1),
  webhookSigningSecret: z.string().min(1),
});

/**
 * The Stripe secrets, read once per cold start: from Secrets Manager in AWS; locally from the file the
 * local stack wrote, which also selects the local fake behind the same port.
 */
const stripeSecrets = /* @__PURE__ */ once(
  async (): Promise<{ secrets: z.infer<typeof StripeSecretSchema>; local: LocalStripeConfig | null }> => {
    const reference = bindingEnv('stripe:secret').BILLING_STRIPE_SECRET;
    if (reference.startsWith('local:')) {
      const config = JSON.parse(readFileSync(reference.slice('local:'.length), 'utf8')) as LocalStripeConfig;
      return { secrets: StripeSecretSchema.parse(config), local: config };
    }
    const { SecretString } = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: reference }),
    );
    return { secrets: StripeSecretSchema.parse(JSON.parse(SecretString ?? '{}')), local: null };
  },
);

/** The billing table, read side; the export reads accounts through it. */
export const billingStore = /* @__PURE__ */ once(
  () => new DynamoBillingStore(dynamoDocumentClient(), bindingEnv('billing-table:read').BILLING_TABLE_NAME),
);

/** The Stripe library, from the vendor layer in Lambda, loaded on first use rather than at init. */
const stripeLibrary = () => import('stripe');

/** Stripe (or the local fake), built on first use: its secret is read then. */
export const paymentsGateway = /* @__PURE__ */ once(async (): Promise<PaymentsGateway> => {
  const { secrets, local } = await stripeSecrets();
  if (local) return new LocalStripeFake(local);
  const { default: Stripe } = await stripeLibrary();
  return new StripePaymentsGateway(new Stripe(secrets.secretKey, { maxNetworkRetries: 2, timeout: 10_000 }));
});

/** Checkout, portal and the summary: the billing table and Stripe, nothing else. */
export const billingDeps = /* @__PURE__ */ once(
  async (): Promise<BillingDeps> => ({
    store: billingStore(),
    payments: await paymentsGateway(),
    appBaseUrl: bindingEnv('stripe:secret').BILLING_RETURN_BASE_URL,
  }),
);

export const webhookVerifier = /* @__PURE__ */ once(
  async (): Promise<WebhookVerifier> =>
    new StripeWebhookVerifier(
      (await stripeLibrary()).default.webhooks,
      (await stripeSecrets()).secrets.webhookSigningSecret,
      systemClock,
    ),
);

export const webhookDeps = /* @__PURE__ */ once((): WebhookDeps => {
  const mail = bindingEnv('mail:send');
  return {
    store: billingStore(),
    mailer: new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
    clock: systemClock,
  };
});
