import {
  BaseEnvSchema,
  ImagingEnvSchema,
  UploadIngestWorkflowEnvSchema,
  UploadSessionsEnvSchema,
} from '#schemas/shared/env';
import { DynamoAuditChainStore } from '../audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../audit/core/audit-trail';
import { dynamoDocumentClient, s3Client, s3PresigningClient, sfnClient } from '../shared/aws/clients';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { ChainedUploadAudit } from './adapters/chained-upload-audit';
import { DynamoUploadSessions } from './adapters/dynamo-upload-sessions';
import { S3StagingArea } from './adapters/s3-staging-area';
import { SfnUploadIngestWorkflow } from './adapters/sfn-upload-ingest-workflow';
import type { IngestDeps } from './core/ingest-upload';
import { storeDeps } from './deps';

/** Upload sessions' pieces, each built on first use from only the env vars its bindings set. */
export const uploadSessions = once(
  () =>
    new DynamoUploadSessions(
      dynamoDocumentClient(),
      UploadSessionsEnvSchema.parse(process.env).UPLOAD_SESSIONS_TABLE_NAME,
    ),
);

export const stagingArea = once(
  () =>
    new S3StagingArea(
      s3Client(),
      s3PresigningClient(),
      ImagingEnvSchema.pick({ IMAGING_BUCKET_NAME: true }).parse(process.env).IMAGING_BUCKET_NAME,
    ),
);

export const uploadIngestWorkflow = once(
  () =>
    new SfnUploadIngestWorkflow(
      sfnClient(),
      UploadIngestWorkflowEnvSchema.parse(process.env).UPLOAD_INGEST_WORKFLOW_ARN,
    ),
);

/** The ingest task: the STOW-RS storage path plus the session, the staged object and the audit trail. */
export const ingestDeps = once(
  (): IngestDeps => ({
    ...storeDeps(),
    sessions: uploadSessions(),
    staging: stagingArea(),
    audit: new ChainedUploadAudit(
      new ChainedAuditLog(
        new DynamoAuditChainStore(
          dynamoDocumentClient(),
          BaseEnvSchema.pick({ AUDIT_TABLE_NAME: true }).parse(process.env).AUDIT_TABLE_NAME,
        ),
      ),
      systemClock,
      uuidIds,
    ),
  }),
);
