import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DataTables } from '#infra/data/data-tables';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import { ISOLATION_OFF } from '#infra/shared/private-network';
import { BINDINGS, type Binding } from '#schemas/shared/env';

/**
 * The binding table on its own, in a bare stack with every resource a binding can point at: each binding
 * sets exactly the env its schema declares (what the handlers parse), whichever functions use it today.
 */
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Bindings', { env: { account: '111111111111', region: 'us-east-1' } });
const tables = new DataTables(stack, 'Tables');
const key = new kms.Key(stack, 'Key');
const bucket = new s3.Bucket(stack, 'Bucket');
const stateMachine = (name: string) => ({
  stateMachine: sfn.StateMachine.fromStateMachineName(stack, name, name),
  encryptionKey: key,
});
const resources: BindingResources = {
  accountsTable: tables.accounts,
  requestCounters: {
    counters: tables.requestCounters,
    allowances: { requestsPerMinute: 10_000, rendersPerMinute: 300, storesPerMinute: 300 },
  },
  auditTable: tables.audit,
  auditArchive: {
    bucket,
    encryptionKey: key,
    keyPrefix: 'audit/',
    checkpointPrefix: 'checkpoints/',
    checkpointKey: key,
  },
  imagingTable: tables.imaging,
  imagingStore: { bucket, encryptionKey: key },
  uploadsTable: tables.uploads,
  uploadIngestWorkflow: stateMachine('upload-ingest'),
  customerPool: new cognito.UserPool(stack, 'Customers'),
  welcomeWorkflow: stateMachine('welcome-mail'),
  mail: {
    fromAddress: 'no-reply@pacscribe.example',
    configurationSetName: 'pacscribe',
    identityArn: 'arn:aws:ses:us-east-1:111111111111:identity/pacscribe.example',
    configurationSetArn: 'arn:aws:ses:us-east-1:111111111111:configuration-set/pacscribe',
  },
  appBaseUrl: 'https://app.pacscribe.example',
  supportTable: tables.support,
  billingTable: tables.billing,
  stripeSecret: {
    secret: new secretsmanager.Secret(stack, 'StripeSecret', { encryptionKey: key }),
    encryptionKey: key,
  },
  supportMessageKey: key,
  supportRetentionDays: 2192,
  supportInboundMail: { bucket, encryptionKey: key, prefix: 'inbound/' },
  sharingTable: tables.sharing,
  shareLinkBaseUrl: 'https://api.pacscribe.example',
  imagingReplica: { bucketName: 'pacscribe-test-imaging-replica', region: 'us-west-2' },
  deletedStudyRetentionDays: 30,
  mailTable: tables.mail,
  unsubscribeSecret: {
    secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:unsubscribe-AbCdEf',
    encryptionKey: key,
  },
  preferenceWorkflow: stateMachine('preference-propagation'),
  mailContactList: {
    contactListName: 'pacscribe-test-marketing',
    contactListArn: 'arn:aws:ses:us-east-1:111111111111:contact-list/pacscribe-test-marketing',
  },
  marketingAudience: { bucket, encryptionKey: key, prefix: 'audience/' },
  exportsTable: tables.exports,
  exportsStore: { bucket, encryptionKey: key },
  exportWorkflow: stateMachine('export-archive'),
  jwksRelay: lambda.Function.fromFunctionName(stack, 'JwksRelay', 'pacscribe-jwks-relay'),
  billingInvoices: lambda.Function.fromFunctionName(stack, 'InvoiceLister', 'pacscribe-invoice-lister'),
};
const logEncryption = new LogEncryption(stack, 'LogEncryption', { description: 'test' });

function boundFunction(id: string, bindings: readonly Binding[], given = resources): PacsFunction {
  const fn = new PacsFunction(stack, id, {
    handler: 'shared/handlers/health',
    description: id,
    serviceName: 'pacscribe-test',
    logEncryption,
    network: ISOLATION_OFF,
    reservedConcurrency: 1,
  });
  applyBindings(fn, bindings, given);
  return fn;
}

describe('binding table', () => {
  it.each(Object.keys(BINDINGS) as Binding[])('%s sets exactly the env its schema declares', (binding) => {
    const fn = boundFunction(`Fn-${binding.replace(/:/g, '-')}`, [binding]);
    const set = Object.keys(fn.environment).filter((name) => name !== 'POWERTOOLS_SERVICE_NAME');
    expect(set.sort()).toEqual(Object.keys(BINDINGS[binding].shape).sort());
  });

  it('names the binding and the resource a stack did not provide', () => {
    expect(() =>
      boundFunction('Unprovided', ['imaging-index:read'], { accountsTable: tables.accounts }),
    ).toThrow('binding imaging-index:read needs imagingTable, which this stack did not provide');
  });
});
