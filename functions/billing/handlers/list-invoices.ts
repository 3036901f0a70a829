import { InvoiceListRequestSchema, type InvoiceListResponse } from '#schemas/billing/billing';
import { logFailure } from '../../shared/logger';
import { paymentsGateway } from '../deps';

/**
 * Lists one Stripe customer's invoices for the export task, which runs in the VPC and cannot reach
 * api.stripe.com [PP-18]: this function runs outside, holds the Stripe secret and nothing else (no table,
 * no PHI), and only the export task may invoke it. It answers exactly what the billing summary shows.
 */
export const handler = async (event: unknown): Promise<InvoiceListResponse> => {
  const request = InvoiceListRequestSchema.safeParse(event);
  if (!request.success) throw new Error('expected { customerId }');
  try {
    return { invoices: await (await paymentsGateway()).listInvoices(request.data.customerId) };
  } catch (error) {
    logFailure('invoices not listed', error);
    throw error;
  }
};
