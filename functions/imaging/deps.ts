import { S3Client } from '@aws-sdk/client-s3';
import { DynamoAuditChainStore } from '../audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../audit/core/audit-trail';
import {
  dynamoDocumentClient,
  s3Client,
  s3PresigningClient,
  s3SelfVerifyingClient,
  sfnClient,
} from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { ChainedPurgeAudit } from './adapters/chained-purge-audit';
import { ChainedUploadAudit } from './adapters/chained-upload-audit';
import { DynamoImagingIndex } from './adapters/dynamo-imaging-index';
import { DynamoRecycleBin } from './adapters/dynamo-recycle-bin';
import { DynamoReports } from './adapters/dynamo-reports';
import { DynamoStudyVersions } from './adapters/dynamo-study-versions';
import { DynamoUploadSessions } from './adapters/dynamo-upload-sessions';
import { emfIngestMetrics } from './adapters/emf-ingest-metrics';
import { S3ObjectLinks } from './adapters/s3-object-links';
import { S3ObjectPurger } from './adapters/s3-object-purger';
import { S3ObjectStore } from './adapters/s3-object-store';
import { S3StagingArea } from './adapters/s3-staging-area';
import { SfnUploadIngestWorkflow } from './adapters/sfn-upload-ingest-workflow';
import type { IngestDeps } from './core/ingest-upload';

/**
 * Composition root of the imaging context. Each piece is built on first use from only the env vars its
 * bindings set: QIDO has the table, STOW and WADO also the bucket, upload routes the sessions table.
 */
export const imagingIndex = /* @__PURE__ */ once(
  () => new DynamoImagingIndex(dynamoDocumentClient(), bindingEnv('imaging-index:read').IMAGING_TABLE_NAME),
);

/** A study's versions and current edits, beside its index entries. */
export const studyVersions = /* @__PURE__ */ once(
  () => new DynamoStudyVersions(dynamoDocumentClient(), bindingEnv('imaging-index:read').IMAGING_TABLE_NAME),
);

/** What reads of the index need: the index, and the edits every read applies. */
export const readDeps = /* @__PURE__ */ once(() => ({ index: imagingIndex(), edits: studyVersions() }));

export const imagingObjects = /* @__PURE__ */ once(
  () => new S3ObjectStore(s3SelfVerifyingClient(), bindingEnv('imaging-store:read').IMAGING_BUCKET_NAME),
);

/** Short-lived GET URLs of stored instances, for bare retrievals too large to stream well. */
export const instanceLinks = /* @__PURE__ */ once(
  () => new S3ObjectLinks(s3PresigningClient(), bindingEnv('imaging-store:read').IMAGING_BUCKET_NAME),
);

export const storeDeps = /* @__PURE__ */ once(() => ({
  index: imagingIndex(),
  objects: imagingObjects(),
  clock: systemClock,
  ids: uuidIds,
}));

export const retrieveDeps = /* @__PURE__ */ once(() => ({
  index: imagingIndex(),
  objects: imagingObjects(),
  edits: studyVersions(),
}));

export const uploadSessions = /* @__PURE__ */ once(
  () =>
    new DynamoUploadSessions(
      dynamoDocumentClient(),
      bindingEnv('upload-sessions:read').UPLOAD_SESSIONS_TABLE_NAME,
    ),
);

export const stagingArea = /* @__PURE__ */ once(
  () =>
    new S3StagingArea(s3Client(), s3PresigningClient(), bindingEnv('imaging-store:read').IMAGING_BUCKET_NAME),
);

export const uploadIngestWorkflow = /* @__PURE__ */ once(
  () =>
    new SfnUploadIngestWorkflow(sfnClient(), bindingEnv('upload-ingest:start').UPLOAD_INGEST_WORKFLOW_ARN),
);

/** The ingest task: the STOW-RS storage path plus the session, the staged object and the audit trail. */
export const ingestDeps = /* @__PURE__ */ once(
  (): IngestDeps => ({
    ...storeDeps(),
    sessions: uploadSessions(),
    staging: stagingArea(),
    audit: new ChainedUploadAudit(
      new ChainedAuditLog(
        new DynamoAuditChainStore(dynamoDocumentClient(), bindingEnv('audit-table:append').AUDIT_TABLE_NAME),
      ),
      systemClock,
      uuidIds,
    ),
    metrics: emfIngestMetrics(),
  }),
);

/** Edits and reverts: the versions beside the index, the index for series lookups. */
export const editDeps = /* @__PURE__ */ once(() => ({
  versions: studyVersions(),
  index: imagingIndex(),
  clock: systemClock,
}));

export const reportDeps = /* @__PURE__ */ once(() => ({
  reports: new DynamoReports(dynamoDocumentClient(), bindingEnv('imaging-index:read').IMAGING_TABLE_NAME),
  studyExists: async (orgId: string, study: string) => (await imagingIndex().getStudy(orgId, study)) !== null,
  clock: systemClock,
}));

/** Recoverable deletes and restores, with the retention period their binding sets. */
export const deleteDeps = /* @__PURE__ */ once(() => {
  const env = bindingEnv('imaging-index:curate');
  return {
    bin: new DynamoRecycleBin(dynamoDocumentClient(), env.IMAGING_TABLE_NAME),
    clock: systemClock,
    ids: uuidIds,
    retentionDays: env.DELETED_STUDY_RETENTION_DAYS,
  };
});

/** The scheduled purge: the recycle bin, both buckets (each in its own region), the audit trail. */
export const purgeDeps = /* @__PURE__ */ once(() => {
  const env = bindingEnv('imaging-store:purge');
  const table = bindingEnv('imaging-index:delete').IMAGING_TABLE_NAME;
  return {
    bin: new DynamoRecycleBin(dynamoDocumentClient(), table),
    primary: new S3ObjectPurger(s3Client(), env.IMAGING_BUCKET_NAME),
    // The replica lives in the second region: its own client, so requests go to that region's endpoint.
    replica: new S3ObjectPurger(
      new S3Client({
        region: env.IMAGING_REPLICA_REGION,
        forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      }),
      env.IMAGING_REPLICA_BUCKET_NAME,
    ),
    audit: new ChainedPurgeAudit(
      new ChainedAuditLog(
        new DynamoAuditChainStore(dynamoDocumentClient(), bindingEnv('audit-table:append').AUDIT_TABLE_NAME),
      ),
      systemClock,
      uuidIds,
    ),
    clock: systemClock,
  };
});
