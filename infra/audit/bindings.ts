import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { bindingTable } from '#infra/shared/binding-definition';
import { acknowledgeWildcardResource } from '#infra/shared/nag-acknowledgements';
import type { PacsFunction, TableRef } from '#infra/shared/pacs-function';
import { AUDIT_BINDINGS } from '#schemas/audit/env';
import { auditTamperingDenial } from './audit-tampering';

/** The write-once audit archive: its bucket, the key prefixes written, the bucket's key, the signing key. */
export interface AuditArchiveRef {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  /** Records are written under this prefix only (e.g. `audit/`). */
  readonly keyPrefix: string;
  /** Signed chain heads are written under this prefix only (e.g. `checkpoints/`). */
  readonly checkpointPrefix: string;
  /** The asymmetric key (ECC_NIST_P256, SIGN_VERIFY) that signs chain heads. */
  readonly checkpointKey: kms.IKey;
}

/** The deployed resources the audit context's bindings point at. */
export interface AuditResources {
  auditTable?: TableRef;
  auditArchive?: AuditArchiveRef;
}

/** Functions already holding the Deny: one with both audit bindings gets one statement. */
const denyingTampering = new WeakSet<PacsFunction>();

function denyAuditTampering(fn: PacsFunction, { table }: TableRef): void {
  if (denyingTampering.has(fn)) return;
  denyingTampering.add(fn);
  fn.role.addToPrincipalPolicy(auditTamperingDenial([table.tableArn]));
}

/**
 * Append-only access to the audit hash chains: GetItem/Query on the table (to read a chain head; base
 * table only, no index) and PutItem, plus an explicit Deny on every call that could alter or remove a
 * record.
 */
function grantAuditAppend(fn: PacsFunction, auditTable: TableRef, envName: string): void {
  const { table } = auditTable;
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadAuditChainHead',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [table.tableArn],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AppendAuditRecords',
      actions: ['dynamodb:PutItem'],
      resources: [table.tableArn],
    }),
  );
  denyAuditTampering(fn, auditTable);
  fn.grantTableKey(table, 'encrypt-decrypt');
  fn.setEnvironment(envName, table.tableName);
}

/**
 * Reviewers' read access to the audit table: GetItem/Query on the table and Query on each named
 * index (time-range queries use gsi1), decrypt only. The same explicit Deny as for appenders.
 */
function grantAuditQuery(fn: PacsFunction, auditTable: TableRef, envName: string): void {
  const { table, indexNames } = auditTable;
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'QueryAuditRecords',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [table.tableArn],
    }),
  );
  if (indexNames.length > 0) {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueryAuditRecordsByTime',
        actions: ['dynamodb:Query'],
        resources: indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
      }),
    );
  }
  denyAuditTampering(fn, auditTable);
  fn.grantTableKey(table, 'decrypt');
  fn.setEnvironment(envName, table.tableName);
}

/**
 * PutObject under the archive's two prefixes (records, signed checkpoints), nothing else: no read, no
 * delete, no retention or legal-hold change. KMS use is limited to S3 acting for this function on this
 * bucket.
 */
function grantAuditArchiveWriter(
  fn: PacsFunction,
  { bucket, encryptionKey, keyPrefix, checkpointPrefix }: AuditArchiveRef,
  envName: string,
): void {
  const records = bucket.arnForObjects(`${keyPrefix}*`);
  const checkpoints = bucket.arnForObjects(`${checkpointPrefix}*`);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ArchiveAuditRecords',
      actions: ['s3:PutObject'],
      resources: [records, checkpoints],
    }),
  );
  acknowledgeWildcardResource(
    fn,
    records,
    'Object keys are audit/org=<orgId>/chain=<cc>/seq=<seq>.json, one per record; the grant is PutObject only, under that prefix of the archive bucket.',
  );
  acknowledgeWildcardResource(
    fn,
    checkpoints,
    'Object keys are checkpoints/org=<orgId>/chain=<cc>/seq=<seq>.json, one per signed chain head; the grant is PutObject only, under that prefix of the archive bucket.',
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'EncryptArchivedRecords',
      actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [encryptionKey.keyArn],
      conditions: fn.kmsViaS3Condition(),
    }),
  );
  fn.setEnvironment(envName, bucket.bucketName);
}

/** kms:Sign with the checkpoint key, nothing else (the key policy denies Sign to every other principal). */
function grantCheckpointSigning(fn: PacsFunction, { checkpointKey }: AuditArchiveRef, envName: string): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SignAuditCheckpoints',
      actions: ['kms:Sign'],
      resources: [checkpointKey.keyArn],
    }),
  );
  fn.setEnvironment(envName, checkpointKey.keyArn);
}

export const auditBindings = bindingTable<typeof AUDIT_BINDINGS, AuditResources>(AUDIT_BINDINGS, {
  'audit-table:append': {
    grant: (fn, need, env) => grantAuditAppend(fn, need('auditTable'), env.AUDIT_TABLE_NAME),
  },
  'audit-table:read': {
    grant: (fn, need, env) => grantAuditQuery(fn, need('auditTable'), env.AUDIT_TABLE_NAME),
  },
  'audit-archive:write': {
    grant: (fn, need, env) =>
      grantAuditArchiveWriter(fn, need('auditArchive'), env.AUDIT_ARCHIVE_BUCKET_NAME),
  },
  'audit-checkpoint:sign': {
    grant: (fn, need, env) => grantCheckpointSigning(fn, need('auditArchive'), env.AUDIT_CHECKPOINT_KEY_ARN),
  },
});
