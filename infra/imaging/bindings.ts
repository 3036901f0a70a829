import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { bindingTable } from '#infra/shared/binding-definition';
import { acknowledgeWildcardResource } from '#infra/shared/nag-acknowledgements';
import type { ObjectStoreRef, PacsFunction, StateMachineRef, TableRef } from '#infra/shared/pacs-function';
import { IMAGING_BINDINGS } from '#schemas/imaging/env';
import { UPLOAD_STAGING_PREFIX } from '#schemas/imaging/upload-session';

/** The deployed resources the imaging context's bindings point at. */
export interface ImagingResources {
  imagingTable?: TableRef;
  imagingStore?: ObjectStoreRef;
  /** The imaging bucket's cross-region replica, by name (the purge deletes there too). */
  imagingReplica?: { bucketName: string; region: string };
  /** How long a deleted study stays restorable (AppConfig.deletedStudyRetentionDays). */
  deletedStudyRetentionDays?: number;
  uploadsTable?: TableRef;
  uploadIngestWorkflow?: StateMachineRef;
}

/**
 * The upload-session staging prefix of the imaging bucket (a quarantine of unvalidated bytes), and
 * nothing else of it. `upload` creates, signs the part URLs clients PUT to (so those URLs can reach no
 * other key), completes and aborts a multipart upload, checks the completed object's size (HeadObject
 * needs GetObject) and discards an object of the wrong size; `ingest` reads the staged object, then
 * deletes it. SSE-KMS multipart uploads need the key's GenerateDataKey and Decrypt, through S3 only.
 */
function grantStagingArea(
  fn: PacsFunction,
  { bucket, encryptionKey }: ObjectStoreRef,
  envName: string,
  access: 'upload' | 'ingest',
): void {
  const staged = bucket.arnForObjects(`${UPLOAD_STAGING_PREFIX}*`);
  const sid = access === 'upload' ? 'StageUploads' : 'IngestStagedUploads';
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid,
      actions:
        access === 'upload'
          ? ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject', 's3:DeleteObject']
          : ['s3:GetObject', 's3:DeleteObject'],
      resources: [staged],
    }),
  );
  acknowledgeWildcardResource(
    fn,
    staged,
    'Staging keys are random and made per session, so the grant covers the staging prefix of the imaging bucket only, with object-level actions alone: no listing, no stored instances, no bucket configuration.',
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: `${sid}Key`,
      actions: access === 'upload' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      resources: [encryptionKey.keyArn],
      conditions: fn.kmsViaS3Condition(),
    }),
  );
  fn.setEnvironment(envName, bucket.bucketName);
}

/**
 * Every version of an object, in the imaging bucket and its replica: S3 replicates delete markers
 * (DeleteMarkerReplication) but never the deletion of a version, so the purge deletes in both regions.
 * Listing is limited to versions (ListBucketVersions, to find them); no key use (deletes decrypt nothing).
 */
function grantPurge(
  fn: PacsFunction,
  { bucket }: ObjectStoreRef,
  replica: NonNullable<ImagingResources['imagingReplica']>,
  env: { IMAGING_BUCKET_NAME: string; IMAGING_REPLICA_BUCKET_NAME: string; IMAGING_REPLICA_REGION: string },
): void {
  const replicaArn = `arn:${Stack.of(fn).partition}:s3:::${replica.bucketName}`;
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ListObjectVersions',
      actions: ['s3:ListBucketVersions'],
      resources: [bucket.bucketArn, replicaArn],
    }),
  );
  const objects = [bucket.arnForObjects('*'), `${replicaArn}/*`];
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PurgeObjectVersions',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: objects,
    }),
  );
  for (const resource of objects) {
    acknowledgeWildcardResource(
      fn,
      resource,
      'The purge removes the objects of deleted studies whose retention ended, every version, in the imaging bucket and its replica; object keys are server-generated per instance, so the grant names the two buckets only.',
    );
  }
  fn.setEnvironment(env.IMAGING_BUCKET_NAME, bucket.bucketName);
  fn.setEnvironment(env.IMAGING_REPLICA_BUCKET_NAME, replica.bucketName);
  fn.setEnvironment(env.IMAGING_REPLICA_REGION, replica.region);
}

export const imagingBindings = bindingTable<typeof IMAGING_BINDINGS, ImagingResources>(IMAGING_BINDINGS, {
  'imaging-index:read': {
    grant: (fn, need, env) => fn.bindTable(need('imagingTable'), env.IMAGING_TABLE_NAME, 'read'),
  },
  'imaging-index:write': {
    includes: 'imaging-index:read',
    // Read and write, never delete: the index keeps every instance it has recorded.
    grant: (fn, need, env) =>
      fn.bindTable(need('imagingTable'), env.IMAGING_TABLE_NAME, 'read-write-no-delete'),
  },
  'imaging-index:delete': {
    // Study deletion only: read to find the entries, delete them; never put or update.
    grant: (fn, need, env) => fn.bindTable(need('imagingTable'), env.IMAGING_TABLE_NAME, 'read-delete'),
  },
  'imaging-index:curate': {
    includes: 'imaging-index:read',
    // Items move between partitions (study ↔ recycle bin), so put, update and delete; nothing else.
    grant: (fn, need, env) => {
      fn.bindTable(need('imagingTable'), env.IMAGING_TABLE_NAME, 'read-write');
      fn.setEnvironment(env.DELETED_STUDY_RETENTION_DAYS, String(need('deletedStudyRetentionDays')));
    },
  },
  'imaging-store:purge': {
    grant: (fn, need, env) => grantPurge(fn, need('imagingStore'), need('imagingReplica'), env),
  },
  'imaging-store:read': {
    grant: (fn, need, env) => fn.bindObjectStore(need('imagingStore'), env.IMAGING_BUCKET_NAME, 'read'),
  },
  'imaging-store:write': {
    grant: (fn, need, env) => fn.bindObjectStore(need('imagingStore'), env.IMAGING_BUCKET_NAME, 'write'),
  },
  'imaging-store:delete': {
    grant: (fn, need, env) => fn.bindObjectStore(need('imagingStore'), env.IMAGING_BUCKET_NAME, 'delete'),
  },
  'upload-sessions:read': {
    grant: (fn, need, env) => fn.bindTable(need('uploadsTable'), env.UPLOAD_SESSIONS_TABLE_NAME, 'read'),
  },
  'upload-sessions:write': {
    includes: 'upload-sessions:read',
    // Sessions expire by TTL; no function deletes them.
    grant: (fn, need, env) =>
      fn.bindTable(need('uploadsTable'), env.UPLOAD_SESSIONS_TABLE_NAME, 'read-write-no-delete'),
  },
  'upload-staging:write': {
    grant: (fn, need, env) => grantStagingArea(fn, need('imagingStore'), env.IMAGING_BUCKET_NAME, 'upload'),
  },
  'upload-staging:ingest': {
    grant: (fn, need, env) => grantStagingArea(fn, need('imagingStore'), env.IMAGING_BUCKET_NAME, 'ingest'),
  },
  'upload-ingest:start': {
    grant: (fn, need, env) =>
      fn.bindStateMachineStart(need('uploadIngestWorkflow'), env.UPLOAD_INGEST_WORKFLOW_ARN),
  },
});
