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
