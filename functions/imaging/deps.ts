import { DynamoAuditChainStore } from '../audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../audit/core/audit-trail';
import { dynamoDocumentClient, s3Client, s3PresigningClient, sfnClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { ChainedUploadAudit } from './adapters/chained-upload-audit';
import { DynamoImagingIndex } from './adapters/dynamo-imaging-index';
import { DynamoUploadSessions } from './adapters/dynamo-upload-sessions';
import { S3ObjectStore } from './adapters/s3-object-store';
import { S3StagingArea } from './adapters/s3-staging-area';
import { SfnUploadIngestWorkflow } from './adapters/sfn-upload-ingest-workflow';
import type { IngestDeps } from './core/ingest-upload';

/**
 * Composition root of the imaging context. Each piece is built on first use from only the env vars its
 * bindings set: QIDO has the table, STOW and WADO also the bucket, upload routes the sessions table.
 */
export const imagingIndex = once(
  () => new DynamoImagingIndex(dynamoDocumentClient(), bindingEnv('imaging-index:read').IMAGING_TABLE_NAME),
);

export const imagingObjects = once(
  () => new S3ObjectStore(s3Client(), bindingEnv('imaging-store:read').IMAGING_BUCKET_NAME),
);

export const storeDeps = once(() => ({
  index: imagingIndex(),
  objects: imagingObjects(),
  clock: systemClock,
  ids: uuidIds,
}));

export const retrieveDeps = once(() => ({ index: imagingIndex(), objects: imagingObjects() }));

export const uploadSessions = once(
  () =>
    new DynamoUploadSessions(
      dynamoDocumentClient(),
      bindingEnv('upload-sessions:read').UPLOAD_SESSIONS_TABLE_NAME,
    ),
);

export const stagingArea = once(
  () =>
    new S3StagingArea(s3Client(), s3PresigningClient(), bindingEnv('imaging-store:read').IMAGING_BUCKET_NAME),
);

export const uploadIngestWorkflow = once(
  () =>
    new SfnUploadIngestWorkflow(sfnClient(), bindingEnv('upload-ingest:start').UPLOAD_INGEST_WORKFLOW_ARN),
);

/** The ingest task: the STOW-RS storage path plus the session, the staged object and the audit trail. */
export const ingestDeps = once(
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
  }),
);
