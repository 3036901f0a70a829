import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { callApi, localConfig, postJson, sentMail } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

let org: TestOrganization;
let documents: DynamoDBDocumentClient;
const CONTACT = {
  plan: 'standard',
  billingEmail: `billing-${randomUUID().slice(0, 8)}@clinic.example`,
  billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
};

const signingSecret = () => {
  const file = (localConfig().handlerEnv.BILLING_STRIPE_SECRET ?? '').replace(/^local:/, '');
  return (JSON.parse(readFileSync(file, 'utf8')) as { webhookSigningSecret: string }).webhookSigningSecret;
};
const postWebhook = (payload: string, signature: string) =>
  callApi('POST', '/v1/billing/webhook', { body: payload, headers: { 'stripe-signature': signature } });

beforeAll(async () => {
  const config = localConfig();
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: config.endpoints.dynamodb,
      region: config.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }),
  );
  org = await freshOrganization('billing');
});
afterAll(() => documents.destroy());

describe('billing through the local stack', () => {
  it('[PP-16] a non-billing user cannot open checkout or the portal', async () => {
    for (const role of ['clinician', 'radiologist', 'technologist'] as const) {
      const token = org.users[role].accessToken;
      expect((await postJson('/v1/billing/checkout', CONTACT, token)).status).toBe(403);
      expect((await postJson('/v1/billing/portal', {}, token)).status).toBe(403);
    }
  });

  it('[PP-16] a body with card fields or a card number is refused with 400', async () => {
    const token = org.users.administrator.accessToken;
    const withCard = await postJson(
      '/v1/billing/checkout',
      { ...CONTACT, cardNumber: '4242424242424242' },
      token,
    );
    expect(withCard.status).toBe(400);
    const withCvc = await postJson('/v1/billing/checkout', { ...CONTACT, cvc: '123' }, token);
    expect(withCvc.status).toBe(400);
  });

  it('[PP-16] refuses forged, tampered, stale and future-dated webhooks with 400, writing nothing', async () => {
    const eventId = `evt_attack_${randomUUID()}`;
    const payload = JSON.stringify({
      id: eventId,
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { object: 'subscription', id: 'sub_x', customer: 'cus_x', status: 'active' } },
    });
    const now = Math.floor(Date.now() / 1000);
    const sign = (body: string, secret = signingSecret(), timestamp = now) =>
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
    const attacks: [string, string][] = [
      [payload, sign(payload, 'whsec_forged')],
      [payload.replace('active', 'canceled'), sign(payload)],
      [JSON.stringify(JSON.parse(payload), null, 1), sign(payload)],
      // 305 s: beyond the 300 s tolerance even if the server reads its clock a few seconds later.
      [payload, sign(payload, signingSecret(), now - 305)],
      [payload, sign(payload, signingSecret(), now + 305)],
      [payload, ''],
    ];
    for (const [body, signature] of attacks) {
      const response = await postWebhook(body, signature);
      expect(`${response.status} ${response.json().error?.code}`).toBe('400 invalid_signature');
    }
    const { Item } = await documents.send(
      new GetCommand({
        TableName: localConfig().tables.billing,
        Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
      }),
    );
    expect(Item).toBeUndefined();
  });

  it('[PP-17] checkout → fake pay → signed webhooks → active subscription and one receipt in the inbox', async () => {
    const token = org.users.administrator.accessToken;
    expect((await callApi('GET', '/v1/billing', { token })).json()).toMatchObject({ status: 'none' });
    const checkout = await postJson('/v1/billing/checkout', CONTACT, token);
    expect(checkout.status).toBe(201);
    const checkoutPath = new URL(checkout.json().url).pathname;
    const page = await callApi('GET', checkoutPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Pay');
    const paid = await callApi('POST', `${checkoutPath}/pay`, { body: '' });
    expect(paid.status).toBe(303);

    const summary = (await callApi('GET', '/v1/billing', { token })).json();
    expect(summary).toMatchObject({
      status: 'active',
      plan: 'standard',
      billingEmail: CONTACT.billingEmail,
      billingAddress: CONTACT.billingAddress,
    });
    expect(summary.invoices).toHaveLength(1);
    const receipts = (await sentMail()).filter((mail) => mail.destination.to.includes(CONTACT.billingEmail));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.subject).toContain('receipt');

    // Paying twice is refused; the portal opens now that a customer exists.
    expect((await callApi('POST', `${checkoutPath}/pay`, { body: '' })).status).toBe(409);
    expect((await postJson('/v1/billing/portal', {}, token)).status).toBe(201);
  });

  it('a lapsed subscription makes the organization read-only, deleting nothing, until it is renewed', async () => {
    // Follows the checkout test: the organization has an active subscription.
    const token = org.users.administrator.accessToken;
    const { Item } = await documents.send(
      new GetCommand({
        TableName: localConfig().tables.billing,
        Key: { pk: `ORG#${org.orgId}`, sk: 'BILLING' },
      }),
    );
    expect(Item).toMatchObject({ status: 'active' });
    const subscriptionEvent = (type: string, status: string, created: number) => {
      const payload = JSON.stringify({
        id: `evt_${randomUUID()}`,
        object: 'event',
        type,
        created,
        data: {
          object: {
            object: 'subscription',
            id: Item?.subscriptionId,
            customer: Item?.customerId,
            status,
            metadata: { plan: 'standard' },
          },
        },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: signingSecret() });
      return postWebhook(payload, signature);
    };
    const now = Math.floor(Date.now() / 1000);
    expect((await subscriptionEvent('customer.subscription.deleted', 'canceled', now + 1)).status).toBe(200);
    const newUser = () => ({
      email: `grace-${randomUUID().slice(0, 8)}@clinic.example`,
      name: 'Grace Period',
      role: 'clinician',
    });
    const refused = await postJson('/v1/users', newUser(), token);
    expect(`${refused.status} ${refused.json().error?.code}`).toBe('402 subscription_lapsed');
    const upload = await postJson(
      '/dicomweb/upload-sessions',
      { files: [] },
      org.users.technologist.accessToken,
    );
    expect(upload.status).toBe(402);
    // Reading, the billing page and the portal stay open; nothing was deleted.
    expect((await callApi('GET', '/v1/users', { token })).status).toBe(200);
    expect((await callApi('GET', '/dicomweb/studies', { token })).status).toBe(200);
    expect((await callApi('GET', '/v1/billing', { token })).json()).toMatchObject({ status: 'canceled' });
    expect((await postJson('/v1/billing/portal', {}, token)).status).toBe(201);

    // A renewal (a later event) lifts it at the next request.
    expect((await subscriptionEvent('customer.subscription.updated', 'active', now + 2)).status).toBe(200);
    expect((await postJson('/v1/users', newUser(), token)).status).toBe(201);
  });
});
