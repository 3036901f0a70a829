import type { UploadSessionStatus } from '#schemas/imaging/upload-session';
import type { InstanceOutcome } from './store-instances';

/** An upload session as stored; org-scoped by key. */
export interface UploadSession {
  orgId: string;
  sessionId: string;
  status: UploadSessionStatus;
  createdAt: string;
  /** After this the session is gone (TTL); extended once ingest finishes so results stay readable. */
  expiresAt: string;
  createdBy: { userId: string; role: string | null };
  totalBytes: number;
  contentType: string;
  studyInstanceUid: string | null;
  partSizeBytes: number;
  partCount: number;
  /** Server-generated (random) staging key and the S3 multipart upload id; never shown to clients. */
  objectKey: string;
  uploadId: string;
  /** Committed totals, kept in step with the committed result pages. */
  counts: { stored: number; failed: number };
  /** Ingest checkpoint: where to resume reading and how many result pages are committed. */
  progress: IngestProgress;
  error: string | null;
  finishedAt: string | null;
}

export interface IngestProgress {
  /** Offset in the staged body of the next part's opening delimiter. */
  nextOffset: number;
  /** Parts read so far, for the per-session part limit. */
  partsRead: number;
  resultPages: number;
}

export interface StoredUploadResult {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface FailedUploadResult {
  sopClassUid: string | null;
  sopInstanceUid: string | null;
  /** PS3.18 FailureReason. */
  failureReason: number;
  message: string;
}

/** One instance's result, as recorded on the session. */
export type UploadResult = StoredUploadResult | FailedUploadResult;
export const isFailedResult = (result: UploadResult): result is FailedUploadResult =>
  'failureReason' in result;

/** Port: upload sessions and their result pages. */
export interface UploadSessionRepository {
  create(session: UploadSession): Promise<void>;
  get(orgId: string, sessionId: string): Promise<UploadSession | null>;
  /**
   * Moves a session from one of `from` to `to` (conditional write), with the given fields changed.
   * Returns the updated session, or null when it was not in one of `from` (someone else moved it).
   */
  transition(
    orgId: string,
    sessionId: string,
    from: readonly UploadSessionStatus[],
    to: UploadSessionStatus,
    changes?: Partial<Pick<UploadSession, 'error' | 'finishedAt' | 'expiresAt'>>,
  ): Promise<UploadSession | null>;
  /**
   * Atomically writes result page `page.index` and the session's new checkpoint and counts, provided the
   * session is still ingesting. A page at or beyond the committed count is overwritten on a retry.
   */
  commitProgress(
    session: UploadSession,
    page: { index: number; results: UploadResult[] } | null,
    progress: IngestProgress,
    counts: UploadSession['counts'],
  ): Promise<void>;
  /** The results of the committed pages, in order. */
  listResults(session: UploadSession): Promise<UploadResult[]>;
}

export type CompleteUploadResult = 'completed' | 'parts-rejected' | 'no-such-upload';

/** Port: the staging area (S3 multipart uploads under the quarantine prefix). */
export interface StagingArea {
  startUpload(key: string): Promise<string>;
  /** A URL that accepts one PUT of exactly `sizeBytes` bytes as part `partNumber`, until it expires. */
  presignPart(
    key: string,
    uploadId: string,
    part: { partNumber: number; sizeBytes: number },
    expiresInSeconds: number,
  ): Promise<string>;
  completeUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<CompleteUploadResult>;
  abortUpload(key: string, uploadId: string): Promise<void>;
  /** The staged object's size, or null when there is none. */
  sizeOf(key: string): Promise<number | null>;
  /** Bytes `from` … `size - 1` of the object, in bounded chunks read one after the other. */
  read(key: string, from: number, size: number): AsyncIterable<Buffer>;
  delete(key: string): Promise<void>;
}

/** Port: starts the asynchronous ingest; idempotent per session. Carries ids only. */
export interface IngestWorkflow {
  start(input: { orgId: string; sessionId: string }): Promise<void>;
}

/**
 * Port: the ingest's operational metrics. Only instances that could not be stored count (a storage or
 * index failure, PS3.18 0110), not files refused as invalid: those are the uploader's to fix, these ops'.
 */
export interface IngestMetrics {
  instancesNotStored(count: number): void;
}

/** Port: the organization's audit trail, for what the ingest does on the uploader's behalf. */
export interface UploadAuditTrail {
  instanceProcessed(session: UploadSession, outcome: InstanceOutcome): Promise<void>;
}
