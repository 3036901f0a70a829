import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { InvokedInvoiceList } from '../../../functions/billing/adapters/invoked-invoice-list';
import {
  type LocalInvoice,
  LocalStripeFake,
  LocalStripeState,
} from '../../../functions/billing/adapters/local-stripe-fake';
import { handler } from '../../../functions/billing/handlers/list-invoices';
import { BillingDatasetSource } from '../../../functions/exports/adapters/billing-dataset-source';
import { RelayInvocationError } from '../../../functions/shared/aws/invoke-function';

/**
 * The invoice lister outside the VPC and the export's adapter that invokes it: the export's billing
 * dataset must read exactly what it read when it called the payment provider itself.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'pacscribe-invoices-'));
const config = {
  secretKey: 'sk_local',
  webhookSigningSecret: 'whsec_local',
  stateDir: path.join(dir, 'state'),
  apiUrl: 'https://localhost:4000',
};
const invoice = (id: string, customer: string, created: number): LocalInvoice => ({
  id,
  customer,
  number: `N-${id}`,
  status: 'paid',
  amount_paid: 4900,
  currency: 'usd',
  created,
  hosted_invoice_url: `https://localhost:4000/local-stripe/invoices/${id}`,
});
const payloadOf = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
const decode = (bytes: unknown) => JSON.parse(new TextDecoder().decode(bytes as Uint8Array)) as unknown;

const saved = { ...process.env };
beforeAll(() => {
  writeFileSync(path.join(dir, 'stripe.json'), JSON.stringify(config));
  const state = new LocalStripeState(config.stateDir);
  state.write('invoices', 'in_1', invoice('in_1', 'cus_a', 1_760_000_000));
  state.write('invoices', 'in_2', invoice('in_2', 'cus_a', 1_762_000_000));
  state.write('invoices', 'in_3', invoice('in_3', 'cus_b', 1_761_000_000));
  process.env.BILLING_STRIPE_SECRET = `local:${path.join(dir, 'stripe.json')}`;
  process.env.BILLING_RETURN_BASE_URL = 'https://app.pacscribe.example';
});
afterAll(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('invoice lister (outside the VPC)', () => {
  it("answers one customer's invoices exactly as the payment provider lists them", async () => {
    const direct = await new LocalStripeFake(config).listInvoices('cus_a');
    expect(direct).toHaveLength(2);
    await expect(handler({ customerId: 'cus_a' })).resolves.toEqual({ invoices: direct });
    await expect(handler({ customerId: 'cus_none' })).resolves.toEqual({ invoices: [] });
  });

  it.each([
    ['no customer', {}],
    ['a customer id that is no id', { customerId: '../invoices/in_1' }],
    ['extra fields', { customerId: 'cus_a', orgId: 'org-1' }],
    ['no object', 'cus_a'],
  ])('[PP-18] refuses a request with %s', async (_case, event) => {
    await expect(handler(event)).rejects.toThrow('expected { customerId }');
  });
});

describe('invoked invoice list (the export task in the VPC)', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());

  it('invokes the lister with the customer id and returns its invoices', async () => {
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => ({
      StatusCode: 200,
      Payload: payloadOf(await handler(decode(input.Payload))),
    }));
    const invoices = await new InvokedInvoiceList(new LambdaClient({}), 'lister-fn').listInvoices('cus_a');
    expect(invoices).toEqual(await new LocalStripeFake(config).listInvoices('cus_a'));
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect([input?.FunctionName, input?.InvocationType, decode(input?.Payload)]).toEqual([
      'lister-fn',
      'RequestResponse',
      { customerId: 'cus_a' },
    ]);
  });

  it('gives the export dataset the same account and invoices as the direct call', async () => {
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => ({
      StatusCode: 200,
      Payload: payloadOf(await handler(decode(input.Payload))),
    }));
    const account = { orgId: 'org-1', customerId: 'cus_a' };
    const store = { getAccount: async () => account as never };
    const direct = new BillingDatasetSource(async () => ({ store, payments: new LocalStripeFake(config) }));
    const relayed = new BillingDatasetSource(async () => ({
      store,
      payments: new InvokedInvoiceList(new LambdaClient({}), 'lister-fn'),
    }));
    await expect(relayed.account('org-1')).resolves.toEqual(await direct.account('org-1'));
    await expect(relayed.invoices('cus_a')).resolves.toEqual(await direct.invoices('cus_a'));
  });

  it('fails on a function error or an answer that is not an invoice list', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payloadOf({ errorType: 'Error', errorMessage: 'Stripe is down' }) as never,
    });
    const list = new InvokedInvoiceList(new LambdaClient({}), 'lister-fn');
    await expect(list.listInvoices('cus_a')).rejects.toBeInstanceOf(RelayInvocationError);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payloadOf({ invoices: [{ id: 'in_1' }] }) as never,
    });
    await expect(list.listInvoices('cus_a')).rejects.toThrow();
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: new TextEncoder().encode('not json') as never });
    await expect(list.listInvoices('cus_a')).rejects.toBeInstanceOf(RelayInvocationError);
  });
});
