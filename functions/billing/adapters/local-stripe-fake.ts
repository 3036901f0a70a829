import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BillingAddress, Invoice, Plan } from '#schemas/billing/billing';
import type { PaymentsGateway } from '../core/ports';

/**
 * What the local stack writes to the file `BILLING_STRIPE_SECRET=local:<path>` names: the same two
 * secrets the AWS secret holds, plus where the fake keeps its state and the local API's address.
 */
export interface LocalStripeConfig {
  secretKey: string;
  webhookSigningSecret: string;
  stateDir: string;
  apiUrl: string;
}

export interface LocalCheckoutSession {
  id: string;
  customerId: string;
  orgId: string;
  plan: Plan;
  successUrl: string;
  cancelUrl: string;
  status: 'open' | 'complete';
}

export const localId = (prefix: string) => `${prefix}_local_${randomBytes(12).toString('hex')}`;
const SAFE_ID = /^[a-z]+_local_[0-9a-f]{24}$/;

/**
 * The fake's state, in files under one directory: the handler that creates a session and the local
 * checkout page (scripts/local/stripe-checkout.ts) run as separate bundles of the same process.
 */
export class LocalStripeState {
  constructor(private readonly dir: string) {}

  write(kind: 'customers' | 'sessions' | 'invoices', id: string, value: unknown): void {
    mkdirSync(path.join(this.dir, kind), { recursive: true });
    writeFileSync(path.join(this.dir, kind, `${id}.json`), JSON.stringify(value));
  }

  read<T>(kind: 'customers' | 'sessions' | 'invoices', id: string): T | null {
    if (!SAFE_ID.test(id)) return null;
    try {
      return JSON.parse(readFileSync(path.join(this.dir, kind, `${id}.json`), 'utf8')) as T;
    } catch {
      return null;
    }
  }

  list<T>(kind: 'invoices'): T[] {
    try {
      return readdirSync(path.join(this.dir, kind)).map(
        (file) => JSON.parse(readFileSync(path.join(this.dir, kind, file), 'utf8')) as T,
      );
    } catch {
      return [];
    }
  }
}

/** A paid invoice as the fake records it (Stripe's invoice fields PACScribe reads). */
export interface LocalInvoice {
  id: string;
  customer: string;
  number: string;
  status: 'paid';
  amount_paid: number;
  currency: string;
  created: number;
  hosted_invoice_url: string;
}

/**
 * The local stand-in behind the PaymentsGateway port: Checkout and portal URLs point at pages the local
 * HTTPS server serves under /local-stripe/, where a "Pay" button completes the session and sends the
 * signed webhooks Stripe would (scripts/local/stripe-checkout.ts).
 */
export class LocalStripeFake implements PaymentsGateway {
  private readonly state: LocalStripeState;

  constructor(private readonly config: LocalStripeConfig) {
    this.state = new LocalStripeState(config.stateDir);
  }

  async createCustomer(input: { orgId: string; email: string; address: BillingAddress }) {
    const id = localId('cus');
    this.state.write('customers', id, { id, ...input });
    return id;
  }

  async updateCustomer(customerId: string, input: { email: string; address: BillingAddress }) {
    const existing = this.state.read<Record<string, unknown>>('customers', customerId);
    this.state.write('customers', customerId, { ...existing, ...input });
  }

  async createCheckoutSession(input: {
    customerId: string;
    orgId: string;
    plan: Plan;
    successUrl: string;
    cancelUrl: string;
  }) {
    const id = localId('cs');
    const session: LocalCheckoutSession = { id, ...input, status: 'open' };
    this.state.write('sessions', id, session);
    return { url: `${this.config.apiUrl}/local-stripe/checkout/${id}` };
  }

  async createPortalSession(input: { customerId: string; returnUrl: string }) {
    return { url: `${this.config.apiUrl}/local-stripe/portal/${input.customerId}` };
  }

  async listInvoices(customerId: string): Promise<Invoice[]> {
    return this.state
      .list<LocalInvoice>('invoices')
      .filter((invoice) => invoice.customer === customerId)
      .sort((a, b) => b.created - a.created)
      .map((invoice) => ({
        id: invoice.id,
        number: invoice.number,
        status: invoice.status,
        amountPaid: invoice.amount_paid,
        currency: invoice.currency,
        createdAt: new Date(invoice.created * 1000).toISOString(),
        hostedInvoiceUrl: invoice.hosted_invoice_url,
      }));
  }
}
