import type { BillingStore, SubscriptionState } from '../../functions/billing/core/ports';
import type { Mailer, OutgoingMail } from '../../functions/shared/mailer';
import type { BillingAccount } from '../../schemas/billing/billing';

/** The billing table's conditional writes, in memory: each check-and-set runs without interleaving. */
export class InMemoryBillingStore implements BillingStore {
  readonly accounts = new Map<string, BillingAccount>();
  readonly customers = new Map<string, string>();
  readonly events = new Map<string, number>();
  readonly receipts = new Set<string>();

  async getAccount(orgId: string) {
    const account = this.accounts.get(orgId);
    return account ? { ...account } : null;
  }
  async saveContact(
    contact: Pick<BillingAccount, 'orgId' | 'customerId' | 'billingEmail' | 'billingAddress'>,
  ) {
    const existing = this.accounts.get(contact.orgId);
    this.accounts.set(contact.orgId, {
      subscriptionId: null,
      status: 'none',
      plan: null,
      stateVersion: null,
      ...existing,
      ...contact,
    });
    this.customers.set(contact.customerId, contact.orgId);
  }
  async findOrgByCustomer(customerId: string) {
    return this.customers.get(customerId) ?? null;
  }
  async claimEvent(eventId: string, expiresAtEpoch: number) {
    if (this.events.has(eventId)) return false;
    this.events.set(eventId, expiresAtEpoch);
    return true;
  }
  async releaseEvent(eventId: string) {
    this.events.delete(eventId);
  }
  async applySubscription(orgId: string, state: SubscriptionState) {
    const account = this.accounts.get(orgId);
    if (!account) return false;
    if (account.stateVersion !== null && account.stateVersion >= state.version) return false;
    this.accounts.set(orgId, {
      ...account,
      subscriptionId: state.subscriptionId,
      status: state.status,
      plan: state.plan,
      stateVersion: state.version,
    });
    return true;
  }
  async claimReceipt(invoiceId: string) {
    if (this.receipts.has(invoiceId)) return false;
    this.receipts.add(invoiceId);
    return true;
  }
  async releaseReceipt(invoiceId: string) {
    this.receipts.delete(invoiceId);
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failNext = false;
  async send(mail: OutgoingMail) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SES unavailable');
    }
    this.sent.push(mail);
    return { messageId: `m-${this.sent.length}` };
  }
}
