import * as z from 'zod';
import { IdSchema } from '../accounts/entities';
import { DicomUidSchema } from './dicom-uid';

/**
 * Upload sessions: uploads too large for one STOW-RS request go straight to S3 as a presigned multipart
 * upload, then are ingested asynchronously by the same validation and storage path as STOW-RS.
 */

/**
 * The largest STOW-RS body (Lambda takes 6 MB per request, base64 included): clients send anything larger
 * through an upload session.
 */
export const MAX_STOW_BODY_BYTES = 4 * 1024 * 1024;

/** Staged bytes live under this prefix of the imaging bucket: a quarantine that is never served. */
export const UPLOAD_STAGING_PREFIX = 'uploads/';

export const UPLOAD_SESSION_STATUSES = [
  'awaiting-upload',
  'ingesting',
  'completed',
  'completed-with-failures',
  'failed',
  'aborted',
] as const;
export const UploadSessionStatusSchema = z.enum(UPLOAD_SESSION_STATUSES);
export type UploadSessionStatus = z.infer<typeof UploadSessionStatusSchema>;
export const FINISHED_STATUSES: readonly UploadSessionStatus[] = [
  'completed',
  'completed-with-failures',
  'failed',
];

/** S3 numbers the parts of a multipart upload 1–10,000. */
const PartNumberSchema = z.number().int().min(1).max(10_000);
const ByteCountSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const CreateUploadSessionBodySchema = z
  .strictObject({
    /** The exact size of the body that will be uploaded; parts are signed for exactly these bytes. */
    totalBytes: ByteCountSchema,
    /**
     * `application/dicom` (one Part-10 file, the default) or a STOW-RS body:
     * `multipart/related; type="application/dicom"; boundary=…`.
     */
    contentType: z.string().trim().min(1).max(256).default('application/dicom'),
    /** Instances of any other study fail, as with STOW-RS into a study. */
    studyInstanceUid: DicomUidSchema.optional(),
    /** Omitted: the server's default part size. */
    partSizeBytes: ByteCountSchema.optional(),
  })
  .meta({ id: 'CreateUploadSessionRequest' });
export type CreateUploadSessionBody = z.infer<typeof CreateUploadSessionBodySchema>;

export const IssuePartUrlsBodySchema = z
  .strictObject({
    /** Omitted: every part of the upload. */
    partNumbers: z.array(PartNumberSchema).min(1).max(10_000).optional(),
  })
  .meta({ id: 'IssueUploadPartUrlsRequest' });
export type IssuePartUrlsBody = z.infer<typeof IssuePartUrlsBodySchema>;

export const CompleteUploadSessionBodySchema = z
  .strictObject({
    /** Every part, with the ETag S3 answered to its PUT. */
    parts: z
      .array(z.strictObject({ partNumber: PartNumberSchema, etag: z.string().min(1).max(128) }))
      .min(1)
      .max(10_000),
  })
  .meta({ id: 'CompleteUploadSessionRequest' });
export type CompleteUploadSessionBody = z.infer<typeof CompleteUploadSessionBodySchema>;

export const UploadPartUrlsSchema = z
  .object({
    partSizeBytes: z.number().int(),
    /** Each URL accepts one PUT of exactly `sizeBytes` bytes; keep the ETag it answers. */
    parts: z.array(z.object({ partNumber: z.number().int(), sizeBytes: z.number().int(), url: z.url() })),
    /** The URLs stop working at this time; ask for fresh ones with POST …/part-urls. */
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'UploadPartUrls' });
export type UploadPartUrls = z.infer<typeof UploadPartUrlsSchema>;

export const UploadSessionViewSchema = z
  .object({
    sessionId: z.string(),
    status: UploadSessionStatusSchema,
    contentType: z.string(),
    totalBytes: z.number().int(),
    studyInstanceUid: z.string().nullable(),
    partSizeBytes: z.number().int(),
    partCount: z.number().int(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    counts: z.object({ stored: z.number().int(), failed: z.number().int() }),
    /** Why the session as a whole failed (size mismatch, unreadable body …); null otherwise. */
    error: z.string().nullable(),
    /** Refused instances with the reason in words, beside the FailureReason code of the store response. */
    failures: z.array(
      z.object({
        sopInstanceUid: z.string().nullable(),
        failureReason: z.number().int(),
        message: z.string(),
      }),
    ),
    /**
     * Once finished: the PS3.18 store response (application/dicom+json), ReferencedSOPSequence and
     * FailedSOPSequence, exactly as STOW-RS would have answered.
     */
    storeResponse: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'UploadSession' });
export type UploadSessionView = z.infer<typeof UploadSessionViewSchema>;

export const UploadSessionCreatedSchema = UploadSessionViewSchema.extend({
  upload: UploadPartUrlsSchema,
}).meta({ id: 'UploadSessionCreated' });
export type UploadSessionCreated = z.infer<typeof UploadSessionCreatedSchema>;

/** Step Functions state for the ingest workflow: ids only, never PHI. */
export const UploadIngestInputSchema = z.strictObject({
  orgId: IdSchema,
  sessionId: IdSchema,
  step: z.enum(['ingest', 'give-up']),
});
export type UploadIngestInput = z.infer<typeof UploadIngestInputSchema>;

/** `done: false` asks the workflow to call again: the ingest pauses at a checkpoint before its timeout. */
export const UploadIngestResultSchema = z.object({ done: z.boolean() });
export type UploadIngestResult = z.infer<typeof UploadIngestResultSchema>;
