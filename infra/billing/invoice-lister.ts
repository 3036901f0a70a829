import { Duration, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import { BILLING_INVOICES_BINDINGS, BILLING_INVOICES_HANDLER } from '#schemas/billing/env';

/** Why the lister may run outside the VPC; its acknowledgement and the private-network test name it. */
export const INVOICE_LISTER_OUTSIDE_VPC_REASON =
  "the invoice lister calls Stripe (api.stripe.com) over the internet, which no VPC endpoint reaches, for the export task in the VPC; it holds the Stripe secret and nothing else (no table, no imaging, export, support-message, sharing or upload resource, no audit record), and it is given a Stripe customer id and returns that customer's invoices.";

export interface InvoiceListerProps {
  resources: Pick<BindingResources, 'stripeSecret' | 'appBaseUrl'>;
  logEncryption: LogEncryption;
  reservedConcurrency: number;
}

/**
 * Lists one Stripe customer's invoices for the export task in the VPC [PP-18]
 * (functions/billing/handlers/list-invoices.ts), which invokes it through the Lambda endpoint.
 */
export class InvoiceLister extends Construct {
  readonly lister: PacsFunction;

  constructor(scope: Construct, id: string, props: InvoiceListerProps) {
    super(scope, id);
    this.lister = new PacsFunction(this, 'Lister', {
      handler: BILLING_INVOICES_HANDLER,
      description: "Lists one Stripe customer's invoices for the export task in the VPC",
      serviceName: 'pacscribe-billing',
      logEncryption: props.logEncryption,
      network: { outsideVpc: INVOICE_LISTER_OUTSIDE_VPC_REASON },
      vendorLibraries: true,
      reservedConcurrency: props.reservedConcurrency,
      // Stripe's client: 10 s per request, two retries.
      timeout: Duration.seconds(40),
      memorySize: 256,
    });
    applyBindings(this.lister, BILLING_INVOICES_BINDINGS, props.resources);
    Validations.of(this.lister).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by the export task, which receives the error; Step Functions retries the step from its checkpoint, so there is no event a dead-letter queue could keep.',
    });
  }
}
