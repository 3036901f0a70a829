import type { LambdaClient } from '@aws-sdk/client-lambda';
import { type Invoice, type InvoiceListRequest, InvoiceListResponseSchema } from '#schemas/billing/billing';
import { invokeFunctionJson } from '../../shared/aws/invoke-function';
import type { PaymentsGateway } from '../core/ports';

/**
 * A customer's invoices through the invoice lister (functions/billing/handlers/list-invoices.ts), for a
 * caller in the VPC: the same answer as PaymentsGateway.listInvoices, checked against the invoice schema.
 */
export class InvokedInvoiceList implements Pick<PaymentsGateway, 'listInvoices'> {
  constructor(
    private readonly client: Pick<LambdaClient, 'send'>,
    private readonly functionName: string,
  ) {}

  async listInvoices(customerId: string): Promise<Invoice[]> {
    const request: InvoiceListRequest = { customerId };
    const response = await invokeFunctionJson(this.client, this.functionName, request);
    return InvoiceListResponseSchema.parse(response).invoices;
  }
}
