import type { BillingAccount, Invoice } from '#schemas/billing/billing';
import type { BillingStore, PaymentsGateway } from '../../billing/core/ports';
import type { BillingSource } from '../core/dataset-sources';

/**
 * The billing account from the billing table and invoices from the payment provider, as the billing
 * summary reads them. The provider's client is built on first use (its secret is read then); in the VPC
 * it is the invoice lister outside it (InvokedInvoiceList), which answers the same.
 */
export class BillingDatasetSource implements BillingSource {
  constructor(
    private readonly deps: () => Promise<{
      store: Pick<BillingStore, 'getAccount'>;
      payments: Pick<PaymentsGateway, 'listInvoices'>;
    }>,
  ) {}

  async account(orgId: string): Promise<BillingAccount | null> {
    return (await this.deps()).store.getAccount(orgId);
  }

  async invoices(customerId: string): Promise<Invoice[]> {
    return (await this.deps()).payments.listInvoices(customerId);
  }
}
