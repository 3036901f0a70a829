import {
  type CompleteUploadSessionBody,
  type CreateUploadSessionBody,
  FINISHED_STATUSES,
  UPLOAD_STAGING_PREFIX,
  type UploadPartUrls,
  type UploadSessionView,
} from '#schemas/imaging/upload-session';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import {
  ConflictError,
  DependencyUnavailableError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../shared/errors';
import type { Clock, IdGenerator } from '../../shared/ports';
import { storeResponse } from './dicom-json';
import { parseContentType, relatedBoundary } from './multipart-related';
import {
  type IngestWorkflow,
  isFailedResult,
  type StagingArea,
  type StoredUploadResult,
  type UploadResult,
  type UploadSession,
  type UploadSessionRepository,
} from './upload-ports';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Checked before anything is allocated or created. */
export const UPLOAD_SESSION_LIMITS = {
  maxTotalBytes: 5 * GiB,
  /** One Part-10 file inside a session (STOW-RS requests keep their 5 MiB cap). */
  maxFileBytes: 1 * GiB,
  maxInstances: 10_000,
  /** S3 refuses parts below 5 MiB, except the last. */
  minPartBytes: 5 * MiB,
  maxPartBytes: 512 * MiB,
  defaultPartBytes: 16 * MiB,
  maxParts: 1000,
  partUrlLifetimeSeconds: 15 * 60,
  sessionLifetimeMs: 24 * 3600 * 1000,
} as const;

export interface UploadSessionDeps {
  sessions: UploadSessionRepository;
  staging: StagingArea;
  ingest: IngestWorkflow;
  clock: Clock;
  ids: IdGenerator;
}

/** The body is one Part-10 file or a STOW-RS multipart body; nothing else will be ingested. */
function checkContentType(contentType: string): 'single' | 'multipart' {
  const { mediaType } = parseContentType(contentType);
  if (mediaType === 'application/dicom') return 'single';
  if (mediaType === 'multipart/related') {
    relatedBoundary(contentType, 'application/dicom');
    return 'multipart';
  }
  throw new UnsupportedMediaTypeError(
    'The upload must be application/dicom or multipart/related; type="application/dicom".',
  );
}

export const isSingleFile = (session: UploadSession) =>
  parseContentType(session.contentType).mediaType === 'application/dicom';

function partSize(
  session: Pick<UploadSession, 'totalBytes' | 'partSizeBytes' | 'partCount'>,
  partNumber: number,
) {
  return partNumber < session.partCount
    ? session.partSizeBytes
    : session.totalBytes - (session.partCount - 1) * session.partSizeBytes;
}

async function presignParts(
  deps: Pick<UploadSessionDeps, 'staging' | 'clock'>,
  session: UploadSession,
  partNumbers: readonly number[],
): Promise<UploadPartUrls> {
  const { partUrlLifetimeSeconds } = UPLOAD_SESSION_LIMITS;
  const expiresAt = new Date(deps.clock.now().getTime() + partUrlLifetimeSeconds * 1000).toISOString();
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const sizeBytes = partSize(session, partNumber);
      const url = await deps.staging.presignPart(
        session.objectKey,
        session.uploadId,
        { partNumber, sizeBytes },
        partUrlLifetimeSeconds,
      );
      return { partNumber, sizeBytes, url };
    }),
  );
  return { partSizeBytes: session.partSizeBytes, parts, expiresAt };
}

/** Missing, foreign and expired sessions answer alike. */
async function findSession(
  deps: Pick<UploadSessionDeps, 'sessions' | 'clock'>,
  principal: CustomerPrincipal,
  sessionId: string,
  stored: Promise<UploadSession | null> = deps.sessions.get(principal.orgId, sessionId),
): Promise<UploadSession> {
  const session = await stored;
  if (!session || Date.parse(session.expiresAt) <= deps.clock.now().getTime()) {
    throw new NotFoundError('Upload session not found.');
  }
  return session;
}

export function viewOf(session: UploadSession, results: readonly UploadResult[] | null): UploadSessionView {
  const failed = (results ?? []).filter(isFailedResult);
  return {
    sessionId: session.sessionId,
    status: session.status,
    contentType: session.contentType,
    totalBytes: session.totalBytes,
    studyInstanceUid: session.studyInstanceUid,
    partSizeBytes: session.partSizeBytes,
    partCount: session.partCount,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    counts: session.counts,
    error: session.error,
    failures: failed.map(({ sopInstanceUid, failureReason, message }) => ({
      sopInstanceUid,
      failureReason,
      message,
    })),
    storeResponse: results
      ? storeResponse({
          referenced: results.filter((result): result is StoredUploadResult => !isFailedResult(result)),
          failed,
        })
      : null,
  };
}

/**
 * Opens an upload session: limits first, then an S3 multipart upload under a random staging key, the
 * session record, and short-lived URLs for every part, each signed for its exact size.
 */
export async function createUploadSession(
  deps: Pick<UploadSessionDeps, 'sessions' | 'staging' | 'clock' | 'ids'>,
  principal: CustomerPrincipal,
  body: CreateUploadSessionBody,
): Promise<{ session: UploadSession; upload: UploadPartUrls }> {
  const limits = UPLOAD_SESSION_LIMITS;
  if (body.totalBytes > limits.maxTotalBytes) {
    throw new PayloadTooLargeError(`An upload session takes at most ${limits.maxTotalBytes} bytes.`);
  }
  const kind = checkContentType(body.contentType);
  if (kind === 'single' && body.totalBytes > limits.maxFileBytes) {
    throw new PayloadTooLargeError(`A single DICOM file may be at most ${limits.maxFileBytes} bytes.`);
  }
  const partSizeBytes = body.partSizeBytes ?? limits.defaultPartBytes;
  if (partSizeBytes < limits.minPartBytes || partSizeBytes > limits.maxPartBytes) {
    throw new InvalidInputError('The part size is out of range.', [
      {
        path: 'partSizeBytes',
        message: `must be between ${limits.minPartBytes} and ${limits.maxPartBytes}`,
      },
    ]);
  }
  const partCount = Math.ceil(body.totalBytes / partSizeBytes);
  if (partCount > limits.maxParts) {
    throw new PayloadTooLargeError(`At most ${limits.maxParts} parts are accepted; use larger parts.`);
  }

  const now = deps.clock.now();
  const objectKey = `${UPLOAD_STAGING_PREFIX}${deps.ids.newId()}`;
  const uploadId = await deps.staging.startUpload(objectKey);
  const session: UploadSession = {
    orgId: principal.orgId,
    sessionId: deps.ids.newId(),
    status: 'awaiting-upload',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + limits.sessionLifetimeMs).toISOString(),
    createdBy: { userId: principal.userId, role: principal.role },
    totalBytes: body.totalBytes,
    contentType: body.contentType,
    studyInstanceUid: body.studyInstanceUid ?? null,
    partSizeBytes,
    partCount,
    objectKey,
    uploadId,
    counts: { stored: 0, failed: 0 },
    progress: { nextOffset: 0, partsRead: 0, resultPages: 0 },
    error: null,
    finishedAt: null,
  };
  try {
    await deps.sessions.create(session);
  } catch (error) {
    await deps.staging.abortUpload(objectKey, uploadId).catch(() => undefined);
    throw error;
  }
  const all = Array.from({ length: partCount }, (_part, index) => index + 1);
  return { session, upload: await presignParts(deps, session, all) };
}

/** Fresh part URLs for a long upload whose first ones expired. */
export async function issuePartUrls(
  deps: Pick<UploadSessionDeps, 'sessions' | 'staging' | 'clock'>,
  principal: CustomerPrincipal,
  sessionId: string,
  partNumbers: readonly number[] | undefined,
): Promise<{ session: UploadSession; upload: UploadPartUrls }> {
  const session = await findSession(deps, principal, sessionId);
  if (session.status !== 'awaiting-upload') {
    throw new ConflictError('The upload session no longer accepts parts.');
  }
  const wanted = partNumbers ?? Array.from({ length: session.partCount }, (_part, index) => index + 1);
  const outOfRange = wanted.filter((partNumber) => partNumber > session.partCount);
  if (outOfRange.length > 0) {
    throw new InvalidInputError('The session has fewer parts.', [
      { path: 'partNumbers', message: `parts are numbered 1 to ${session.partCount}` },
    ]);
  }
  return { session, upload: await presignParts(deps, session, [...new Set(wanted)]) };
}

/**
 * Completes the S3 upload, checks its size against the declared one and starts the ingest. The status
 * moves awaiting-upload → ingesting by conditional write, and the workflow execution is named after the
 * session, so completing twice (or concurrently) ingests once; a retry after a failed start restarts it.
 */
export async function completeUploadSession(
  deps: Pick<UploadSessionDeps, 'sessions' | 'staging' | 'ingest' | 'clock'>,
  principal: CustomerPrincipal,
  sessionId: string,
  body: CompleteUploadSessionBody,
): Promise<UploadSession> {
  let session = await findSession(deps, principal, sessionId);
  if (session.status === 'aborted') throw new ConflictError('The upload session was aborted.');
  if (session.status === 'awaiting-upload') {
    const numbers = body.parts.map((part) => part.partNumber).sort((a, b) => a - b);
    if (numbers.length !== session.partCount || numbers.some((number, index) => number !== index + 1)) {
      throw new InvalidInputError('Every part must be listed once.', [
        { path: 'parts', message: `list parts 1 to ${session.partCount}, each once` },
      ]);
    }
    const parts = [...body.parts].sort((a, b) => a.partNumber - b.partNumber);
    const completed = await deps.staging
      .completeUpload(session.objectKey, session.uploadId, parts)
      .catch((): 'unavailable' => 'unavailable');
    if (completed === 'parts-rejected') {
      throw new InvalidInputError('The parts do not match what was uploaded.', [
        { path: 'parts', message: 'each part must be uploaded in full, with the ETag its PUT returned' },
      ]);
    }
    // No upload left to complete but an object in its place: a concurrent completion got there first.
    if (completed === 'completed' || (await deps.staging.sizeOf(session.objectKey)) !== null) {
      session = await startIngest(deps, session);
    } else {
      const current = await findSession(deps, principal, sessionId);
      if (current.status === 'awaiting-upload') {
        throw completed === 'unavailable'
          ? new DependencyUnavailableError('The upload could not be completed just now; please retry.')
          : new ConflictError('The upload can no longer be completed; open a new session.');
      }
      session = current;
    }
  }
  if (session.status === 'ingesting') {
    await deps.ingest.start({ orgId: session.orgId, sessionId }).catch(() => {
      throw new DependencyUnavailableError('The ingest could not be started; complete the session again.');
    });
  }
  return session;
}

async function startIngest(
  deps: Pick<UploadSessionDeps, 'sessions' | 'staging' | 'clock'>,
  session: UploadSession,
): Promise<UploadSession> {
  const { orgId, sessionId } = session;
  const size = await deps.staging.sizeOf(session.objectKey);
  if (size !== session.totalBytes) {
    const error =
      size === null
        ? 'The uploaded object is missing.'
        : `The upload holds ${size} bytes but declared ${session.totalBytes}.`;
    const failed = await deps.sessions.transition(orgId, sessionId, ['awaiting-upload'], 'failed', {
      error,
      finishedAt: deps.clock.now().toISOString(),
    });
    await deps.staging.delete(session.objectKey).catch(() => undefined);
    if (!failed) return refreshed(deps, session);
    if (size !== null && size > session.totalBytes) throw new PayloadTooLargeError(error);
    throw new InvalidInputError(error, [{ path: 'parts', message: 'the upload is not the declared size' }]);
  }
  return (
    (await deps.sessions.transition(orgId, sessionId, ['awaiting-upload'], 'ingesting')) ??
    refreshed(deps, session)
  );
}

/** Another request moved the session on first: continue from where it is now. */
async function refreshed(deps: Pick<UploadSessionDeps, 'sessions'>, session: UploadSession) {
  const current = await deps.sessions.get(session.orgId, session.sessionId);
  if (!current) throw new DependencyUnavailableError('The upload session changed meanwhile; retry.');
  return current;
}

/** Status and counts; once finished, the per-instance results as a PS3.18 store response. */
export async function getUploadSession(
  deps: Pick<UploadSessionDeps, 'sessions' | 'clock'>,
  principal: CustomerPrincipal,
  sessionId: string,
  /** The session's record as read for this organization, when the read started beside the membership. */
  stored?: Promise<UploadSession | null>,
): Promise<{ session: UploadSession; view: UploadSessionView; studies: string[] }> {
  const session = await findSession(deps, principal, sessionId, stored);
  const results = FINISHED_STATUSES.includes(session.status)
    ? await deps.sessions.listResults(session)
    : null;
  const studies = [
    ...new Set(
      (results ?? []).flatMap((result) => (isFailedResult(result) ? [] : [result.studyInstanceUid])),
    ),
  ];
  return { session, view: viewOf(session, results), studies };
}

/** Aborts an unfinished upload; the staged parts are discarded (the bucket's lifecycle rule is the backstop). */
export async function abortUploadSession(
  deps: Pick<UploadSessionDeps, 'sessions' | 'staging' | 'clock'>,
  principal: CustomerPrincipal,
  sessionId: string,
): Promise<UploadSession> {
  const session = await findSession(deps, principal, sessionId);
  if (session.status === 'aborted') return session;
  const aborted = await deps.sessions.transition(principal.orgId, sessionId, ['awaiting-upload'], 'aborted', {
    finishedAt: deps.clock.now().toISOString(),
  });
  if (!aborted) throw new ConflictError('The upload was completed; it can no longer be aborted.');
  await deps.staging.abortUpload(session.objectKey, session.uploadId);
  return aborted;
}
