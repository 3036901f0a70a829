import { z } from 'zod';

/**
 * The environment contract of every PACScribe function, parsed once at cold start.
 * Names say resource role + attribute. The same names are set by the CDK constructs (bind* calls)
 * and by the local stack; locally only endpoints and credentials differ (AWS_ENDPOINT_URL_*).
 */
const csv = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const BaseEnvSchema = z.object({
  AWS_REGION: z.string().min(1),
  ACCOUNTS_TABLE_NAME: z.string().min(1),
  AUDIT_TABLE_NAME: z.string().min(1),
  CUSTOMER_USER_POOL_ID: z.string().min(1),
  CUSTOMER_USER_POOL_CLIENT_IDS: csv,
  SUPPORT_USER_POOL_ID: z.string().min(1),
  SUPPORT_USER_POOL_CLIENT_IDS: csv,
  /** Set only by the local stack: where the Cognito stand-in issues tokens from (http://host:port). */
  COGNITO_LOCAL_ISSUER_BASE_URL: z.url().optional(),
  APP_VERSION: z.string().default('dev'),
});
export type BaseEnv = z.infer<typeof BaseEnvSchema>;

export const WelcomeWorkflowEnvSchema = z.object({ WELCOME_WORKFLOW_ARN: z.string().min(1) });

export const ImagingEnvSchema = z.object({
  IMAGING_TABLE_NAME: z.string().min(1),
  IMAGING_BUCKET_NAME: z.string().min(1),
});

export const AuditArchiveEnvSchema = z.object({ AUDIT_ARCHIVE_BUCKET_NAME: z.string().min(1) });

export const UploadSessionsEnvSchema = z.object({ UPLOAD_SESSIONS_TABLE_NAME: z.string().min(1) });

export const UploadIngestWorkflowEnvSchema = z.object({ UPLOAD_INGEST_WORKFLOW_ARN: z.string().min(1) });

/**
 * DICOMweb functions: the browser origins whose requests get Access-Control-Allow-Origin, the same list
 * the API's CORS preflight answers for (AppConfig.dicomwebCorsOrigins).
 */
export const DicomwebCorsEnvSchema = z.object({ DICOMWEB_CORS_ORIGINS: csv });

export const MailEnvSchema = z.object({
  MAIL_FROM_ADDRESS: z.email(),
  MAIL_CONFIGURATION_SET_NAME: z.string().min(1),
  APP_BASE_URL: z.url(),
});

/** Resources a route's function may be bound to; the CDK grants exactly these and sets their env vars. */
export const BINDINGS = {
  'accounts-table:read': ['ACCOUNTS_TABLE_NAME'],
  'accounts-table:write': ['ACCOUNTS_TABLE_NAME'],
  /** Every route: clear an invitation's expiry on first sign-in (one attribute, nothing else). */
  'accounts-table:accept-invitation': [],
  /** Every route: read the chain head (GetItem/Query on the table) and PutItem; never update or delete. */
  'audit-table:append': ['AUDIT_TABLE_NAME'],
  /** QIDO/WADO: GetItem and Query on the imaging index and its indexes. */
  'imaging-index:read': ['IMAGING_TABLE_NAME'],
  /** STOW: read and write the imaging index (no delete). */
  'imaging-index:write': ['IMAGING_TABLE_NAME'],
  /** Study deletion: Query and BatchWriteItem deletes on the imaging index (no put or update). */
  'imaging-index:delete': ['IMAGING_TABLE_NAME'],
  /** Study deletion: DeleteObject on the imaging bucket (a delete marker; versions expire by lifecycle). */
  'imaging-store:delete': ['IMAGING_BUCKET_NAME'],
  /** WADO: GetObject on the imaging bucket. */
  'imaging-store:read': ['IMAGING_BUCKET_NAME'],
  /** STOW: PutObject (and DeleteObject of its own just-written object when indexing fails). */
  'imaging-store:write': ['IMAGING_BUCKET_NAME'],
  /** Upload sessions: GetItem and Query on the uploads table. */
  'upload-sessions:read': ['UPLOAD_SESSIONS_TABLE_NAME'],
  /** Upload sessions: read, PutItem and UpdateItem on the uploads table (expiry is by TTL, no delete). */
  'upload-sessions:write': ['UPLOAD_SESSIONS_TABLE_NAME'],
  /**
   * Upload routes: multipart uploads under the imaging bucket's uploads/ prefix only (create, sign
   * parts, complete, abort, size check).
   */
  'upload-staging:write': ['IMAGING_BUCKET_NAME'],
  /** The ingest: read and delete staged objects under uploads/ only. */
  'upload-staging:ingest': ['IMAGING_BUCKET_NAME'],
  'upload-ingest:start': ['UPLOAD_INGEST_WORKFLOW_ARN'],
  /** Reviewers' queries: Query on the table and its gsi1 index. */
  'audit-table:read': ['AUDIT_TABLE_NAME'],
  /** The stream archiver: PutObject into the Object Lock archive bucket only. */
  'audit-archive:write': ['AUDIT_ARCHIVE_BUCKET_NAME'],
  'customer-pool:admin': ['CUSTOMER_USER_POOL_ID'],
  'welcome-workflow:start': ['WELCOME_WORKFLOW_ARN'],
  'mail:send': ['MAIL_FROM_ADDRESS', 'MAIL_CONFIGURATION_SET_NAME', 'APP_BASE_URL'],
} as const;
export type Binding = keyof typeof BINDINGS;
