import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { bindingTable } from '#infra/shared/binding-definition';
import type { TableRef } from '#infra/shared/pacs-function';
import { BILLING_BINDINGS } from '#schemas/billing/env';

/** The Stripe secret and the key it is encrypted with. */
export interface StripeSecretRef {
  readonly secret: secretsmanager.ISecret;
  readonly encryptionKey: kms.IKey;
}

/** The deployed resources the billing context's bindings point at. */
export interface BillingResources {
  billingTable?: TableRef;
  stripeSecret?: StripeSecretRef;
  appBaseUrl?: string;
  /** The invoice lister outside the VPC (infra/billing/invoice-lister.ts), for the export task in it. */
  billingInvoices?: lambda.IFunction;
}

export const billingBindings = bindingTable<typeof BILLING_BINDINGS, BillingResources>(BILLING_BINDINGS, {
  'billing-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('billingTable'), env.BILLING_TABLE_NAME, 'read'),
  },
  'billing-table:write': {
    includes: 'billing-table:read',
    // Processed event ids expire by TTL and receipts are never undone, but a claim whose processing
    // failed is deleted so that Stripe's retry runs: hence read-write.
    grant: (fn, need, env) => fn.bindTable(need('billingTable'), env.BILLING_TABLE_NAME, 'read-write'),
  },
  'billing-standing:read': {
    // One attribute of organization items only: a gated imaging or accounts route learns whether the
    // organization is in its grace period and never sees the billing contact [PP-17].
    grant: (fn, need, env) => {
      const { table } = need('billingTable');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadSubscriptionStanding',
          actions: ['dynamodb:GetItem'],
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] },
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'status'] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        }),
      );
      fn.grantTableKey(table, 'decrypt');
      fn.setEnvironment(env.BILLING_TABLE_NAME, table.tableName);
    },
  },
  'stripe:secret': {
    grant: (fn, need, env) => {
      const { secret, encryptionKey } = need('stripeSecret');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadStripeSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptStripeSecret',
          actions: ['kms:Decrypt'],
          resources: [encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` },
          },
        }),
      );
      fn.setEnvironment(env.BILLING_STRIPE_SECRET, secret.secretArn);
      fn.setEnvironment(env.BILLING_RETURN_BASE_URL, need('appBaseUrl'));
    },
  },
  'billing-invoices:invoke': {
    // That one function, unqualified ARN only: no other function, version or alias.
    grant: (fn, need, env) => {
      const lister = need('billingInvoices');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeInvoiceLister',
          actions: ['lambda:InvokeFunction'],
          resources: [lister.functionArn],
        }),
      );
      fn.setEnvironment(env.BILLING_INVOICES_FUNCTION_NAME, lister.functionName);
    },
  },
});
