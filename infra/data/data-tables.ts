import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { TableRef } from '#infra/shared/pacs-function';
import {
  accountsTable,
  auditTable,
  billingTable,
  exportsTable,
  imagingTable,
  type KeyDefinition,
  mailTable,
  requestCountersTable,
  sharingTable,
  supportTable,
  type TableDefinition,
  uploadsTable,
} from './table-definitions';

const attribute = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** A table built from its shared definition, on its own customer-managed key, with PITR [PP-13]. */
export class DefinedTable extends Construct implements TableRef {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, definition: TableDefinition) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `PACScribe ${definition.logicalName} table`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(definition.partitionKey),
      sortKey: attribute(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      stream: definition.stream === 'NEW_IMAGE' ? dynamodb.StreamViewType.NEW_IMAGE : undefined,
    });
    this.indexNames = definition.globalIndexes.map((index) => index.indexName);
    for (const index of definition.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
      });
    }
  }
}

/**
 * The accounts, audit, imaging, uploads, support and billing tables. Construct ids are stable: renaming them would replace
 * the tables.
 */
export class DataTables extends Construct {
  readonly accounts: DefinedTable;
  readonly audit: DefinedTable;
  /** The DICOM index (studies, series, instances) that QIDO-RS queries and STOW-RS writes. */
  readonly imaging: DefinedTable;
  /** Upload sessions (STOW for large uploads): status, checkpoint and results, expiring by TTL. */
  readonly uploads: DefinedTable;
  /** Support tickets (sealed contents), access grants and settings, kept by TTL for the retention period. */
  readonly support: DefinedTable;
  /** Billing contact and subscription state, processed Stripe event ids and sent receipts. */
  readonly billing: DefinedTable;
  /** Shares with external recipients, their codes, sessions, counters and access logs [PP-07]. */
  readonly sharing: DefinedTable;
  /** Communication preferences, opt-out propagations, suppressed addresses and campaign records. */
  readonly mail: DefinedTable;
  /** Organization exports: status, progress, parts and the workflow's checkpoint [PP-14]. */
  readonly exports: DefinedTable;
  /** Requests per organization per minute, for the per-organization limit; counts only, expiring by TTL. */
  readonly requestCounters: DefinedTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accounts = new DefinedTable(this, 'Accounts', accountsTable);
    this.audit = new DefinedTable(this, 'Audit', auditTable);
    this.imaging = new DefinedTable(this, 'Imaging', imagingTable);
    this.uploads = new DefinedTable(this, 'Uploads', uploadsTable);
    this.support = new DefinedTable(this, 'Support', supportTable);
    this.billing = new DefinedTable(this, 'Billing', billingTable);
    this.sharing = new DefinedTable(this, 'Sharing', sharingTable);
    this.mail = new DefinedTable(this, 'Mail', mailTable);
    this.exports = new DefinedTable(this, 'Exports', exportsTable);
    this.requestCounters = new DefinedTable(this, 'RequestCounters', requestCountersTable);
  }

  /** Every table, for the backup plan: a table missing here would have PITR but no locked copy. */
  get all(): readonly DefinedTable[] {
    return [
      this.accounts,
      this.audit,
      this.imaging,
      this.uploads,
      this.support,
      this.billing,
      this.sharing,
      this.mail,
      this.exports,
      this.requestCounters,
    ];
  }

  /**
   * The tables whose item reads and writes CloudTrail records: all but the request counters, which hold
   * no personal data and take a write per busy function instance per second.
   */
  get recordedInTrail(): readonly DefinedTable[] {
    return this.all.filter((defined) => defined !== this.requestCounters);
  }
}
