import * as z from 'zod';
import type { Binding } from '../shared/env';

/** Env of the imaging context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const ImagingIndexEnvSchema = z.object({ IMAGING_TABLE_NAME: z.string().min(1) });

export const ImagingStoreEnvSchema = z.object({ IMAGING_BUCKET_NAME: z.string().min(1) });

/** The index and the bucket together (STOW-RS, the ingest). */
export const ImagingEnvSchema = ImagingIndexEnvSchema.extend(ImagingStoreEnvSchema.shape);

/** Deleted studies stay restorable this many days, then are purged (AppConfig.deletedStudyRetentionDays). */
export const DEFAULT_DELETED_STUDY_RETENTION_DAYS = 30;

/** Recoverable deletes and restores: the index, and how long a deletion stays restorable. */
export const ImagingCurationEnvSchema = ImagingIndexEnvSchema.extend({
  DELETED_STUDY_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(DEFAULT_DELETED_STUDY_RETENTION_DAYS),
});

/** The purge: both copies of the imaging bucket, since explicit version deletes are not replicated. */
export const ImagingPurgeEnvSchema = ImagingStoreEnvSchema.extend({
  IMAGING_REPLICA_BUCKET_NAME: z.string().min(1),
  IMAGING_REPLICA_REGION: z.string().min(1),
});

export const UploadSessionsEnvSchema = z.object({ UPLOAD_SESSIONS_TABLE_NAME: z.string().min(1) });

export const UploadIngestWorkflowEnvSchema = z.object({ UPLOAD_INGEST_WORKFLOW_ARN: z.string().min(1) });

/** Each binding of the imaging context and the env vars it sets (infra/imaging/bindings.ts grants them). */
export const IMAGING_BINDINGS = {
  /** QIDO/WADO: GetItem and Query on the imaging index and its indexes. */
  'imaging-index:read': ImagingIndexEnvSchema,
  /** STOW: read and write the imaging index (no delete). */
  'imaging-index:write': ImagingIndexEnvSchema,
  /** The purge of deleted studies: Query and BatchWriteItem deletes on the imaging index (no put or update). */
  'imaging-index:delete': ImagingIndexEnvSchema,
  /** Recoverable deletes and restores: read, write and delete on the imaging index (items move, none is lost). */
  'imaging-index:curate': ImagingCurationEnvSchema,
  /** WADO: GetObject on the imaging bucket. */
  'imaging-store:read': ImagingStoreEnvSchema,
  /** STOW: PutObject (and DeleteObject of its own just-written object when indexing fails). */
  'imaging-store:write': ImagingStoreEnvSchema,
  /** DeleteObject on the imaging bucket (a delete marker). No route holds it: deletes are recoverable, the purge removes objects. */
  'imaging-store:delete': ImagingStoreEnvSchema,
  /**
   * The purge: every version of an object (ListBucketVersions, DeleteObjectVersion) in the imaging
   * bucket and in its replica in the second region.
   */
  'imaging-store:purge': ImagingPurgeEnvSchema,
  /** Upload sessions: GetItem and Query on the uploads table. */
  'upload-sessions:read': UploadSessionsEnvSchema,
  /** Upload sessions: read, PutItem and UpdateItem on the uploads table (expiry is by TTL, no delete). */
  'upload-sessions:write': UploadSessionsEnvSchema,
  /**
   * Upload routes: multipart uploads under the imaging bucket's uploads/ prefix only (create, sign
   * parts, complete, abort, size check).
   */
  'upload-staging:write': ImagingStoreEnvSchema,
  /** The ingest: read and delete staged objects under uploads/ only. */
  'upload-staging:ingest': ImagingStoreEnvSchema,
  'upload-ingest:start': UploadIngestWorkflowEnvSchema,
} as const;

/** What the upload-ingest task may touch: the STOW-RS storage path, the session, the staged object, the audit trail. */
export const UPLOAD_INGEST_TASK_BINDINGS = [
  'upload-sessions:write',
  'upload-staging:ingest',
  'imaging-index:write',
  'imaging-store:write',
  'audit-table:append',
] as const satisfies readonly Binding[];

/** The scheduled purge's handler module (EventBridge in AWS; the local scheduler and `npm run purge`). */
export const PURGE_HANDLER = 'imaging/handlers/purge-deleted-studies';

/** What the scheduled purge of deleted studies may touch: the index, both buckets, the audit trail. */
export const PURGE_TASK_BINDINGS = [
  'imaging-index:delete',
  'imaging-store:purge',
  'audit-table:append',
] as const satisfies readonly Binding[];
