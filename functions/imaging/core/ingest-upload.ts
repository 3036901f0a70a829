import type { UploadIngestResult, UploadSessionStatus } from '#schemas/imaging/upload-session';
import { InvalidInputError, PayloadTooLargeError } from '../../shared/errors';
import { relatedBoundary } from './multipart-related';
import { readMultipartRelatedStream } from './multipart-related-stream';
import { INGEST_LIMITS, type IngestLimits } from './part10';
import {
  CANNOT_UNDERSTAND,
  type InstanceOutcome,
  OUT_OF_RESOURCES,
  PROCESSING_FAILURE,
  type StoreDeps,
  storeInstance,
} from './store-instances';
import type {
  IngestMetrics,
  IngestProgress,
  StagingArea,
  UploadAuditTrail,
  UploadResult,
  UploadSession,
  UploadSessionRepository,
} from './upload-ports';
import { isSingleFile, UPLOAD_SESSION_LIMITS } from './upload-sessions';

/** Per-file limits inside a session: those of STOW-RS, except the larger file cap. */
export const SESSION_INGEST_LIMITS: IngestLimits = {
  ...INGEST_LIMITS,
  maxFileBytes: UPLOAD_SESSION_LIMITS.maxFileBytes,
};
/** Results are committed with the checkpoint in pages of this many (a page stays far below 400 KB). */
export const RESULTS_PER_PAGE = 100;
const MULTIPART_HEADER_BYTES = 8 * 1024;

export interface IngestDeps extends StoreDeps {
  sessions: UploadSessionRepository;
  staging: StagingArea;
  audit: UploadAuditTrail;
  metrics: IngestMetrics;
}

const resultOf = (outcome: InstanceOutcome): UploadResult =>
  outcome.status === 'stored'
    ? {
        sopClassUid: outcome.sopClassUid,
        sopInstanceUid: outcome.sopInstanceUid,
        studyInstanceUid: outcome.studyInstanceUid,
        seriesInstanceUid: outcome.seriesInstanceUid,
      }
    : {
        sopClassUid: outcome.sopClassUid,
        sopInstanceUid: outcome.sopInstanceUid,
        failureReason: outcome.failureReason,
        message: outcome.message,
      };

const refused = (failureReason: number, message: string): InstanceOutcome => ({
  status: 'failed',
  sopClassUid: null,
  sopInstanceUid: null,
  failureReason,
  message,
});

/**
 * Audits each result, then keeps it; pages of results are committed together with the read position
 * and counts, so a retried or resumed ingest continues from the last commit and rewrites (never
 * duplicates) the pages after it.
 */
class ResultRecorder {
  private pending: UploadResult[] = [];
  private progress: IngestProgress;
  private counts: UploadSession['counts'];
  /** Instances of this run refused because storing them failed. */
  notStored = 0;

  constructor(
    private readonly deps: IngestDeps,
    private readonly session: UploadSession,
  ) {
    this.progress = { ...session.progress };
    this.counts = { ...session.counts };
  }

  get totals(): UploadSession['counts'] {
    return { ...this.counts };
  }

  async add(outcome: InstanceOutcome, position: Pick<IngestProgress, 'nextOffset' | 'partsRead'>) {
    await this.deps.audit.instanceProcessed(this.session, outcome);
    this.pending.push(resultOf(outcome));
    if (outcome.status === 'stored') this.counts.stored += 1;
    else this.counts.failed += 1;
    if (outcome.status === 'failed' && outcome.failureReason === PROCESSING_FAILURE) this.notStored += 1;
    this.progress = { ...this.progress, ...position };
    if (this.pending.length >= RESULTS_PER_PAGE) await this.commit();
  }

  async commit() {
    const page = this.pending.length ? { index: this.progress.resultPages, results: this.pending } : null;
    const next = { ...this.progress, resultPages: this.progress.resultPages + (page ? 1 : 0) };
    await this.deps.sessions.commitProgress(this.session, page, next, this.counts);
    this.progress = next;
    this.pending = [];
  }
}

/** Reads a whole staged file whose size is known and already within the per-file cap. */
async function readWholeFile(staging: StagingArea, key: string, size: number): Promise<Buffer> {
  const file = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of staging.read(key, 0, size)) {
    if (filled + chunk.length > size) throw new Error('the staged object is larger than its size');
    chunk.copy(file, filled);
    filled += chunk.length;
  }
  if (filled !== size) throw new Error('the staged object is shorter than its size');
  return file;
}

async function ingestParts(
  deps: IngestDeps,
  session: UploadSession,
  size: number,
  recorder: ResultRecorder,
  budget: { hasTimeLeft(): boolean },
): Promise<'finished' | 'paused'> {
  const { orgId, studyInstanceUid } = session;
  if (isSingleFile(session)) {
    const file = await readWholeFile(deps.staging, session.objectKey, size);
    const outcome = await storeInstance(
      deps,
      orgId,
      { contentType: 'application/dicom', body: file },
      studyInstanceUid,
      SESSION_INGEST_LIMITS,
    );
    await recorder.add(outcome, { nextOffset: size, partsRead: 1 });
    return 'finished';
  }
  const { nextOffset, partsRead } = session.progress;
  const parts = readMultipartRelatedStream(
    deps.staging.read(session.objectKey, nextOffset, size),
    relatedBoundary(session.contentType, 'application/dicom'),
    {
      maxPartBytes: SESSION_INGEST_LIMITS.maxFileBytes,
      maxParts: UPLOAD_SESSION_LIMITS.maxInstances,
      maxHeaderBytes: MULTIPART_HEADER_BYTES,
    },
    { offset: nextOffset, partsRead },
  );
  let read = partsRead;
  try {
    for await (const part of parts) {
      read += 1;
      const outcome = part.body
        ? await storeInstance(
            deps,
            orgId,
            { contentType: part.contentType, body: part.body },
            studyInstanceUid,
            SESSION_INGEST_LIMITS,
          )
        : refused(OUT_OF_RESOURCES, `The file exceeds ${SESSION_INGEST_LIMITS.maxFileBytes} bytes.`);
      await recorder.add(outcome, { nextOffset: part.nextOffset, partsRead: read });
      if (!budget.hasTimeLeft()) return 'paused';
    }
  } catch (error) {
    if (!(error instanceof InvalidInputError || error instanceof PayloadTooLargeError)) throw error;
    // The body cannot be read any further: what was stored stays, the rest is one failure. The read
    // position moves to the end so a retry does not report it twice.
    const detail = error instanceof InvalidInputError ? (error.issues[0]?.message ?? '') : error.message;
    const reason = error instanceof PayloadTooLargeError ? OUT_OF_RESOURCES : CANNOT_UNDERSTAND;
    await recorder.add(refused(reason, `The rest of the upload could not be read: ${detail}`), {
      nextOffset: size,
      partsRead: read,
    });
  }
  return 'finished';
}

function finalStatus(counts: UploadSession['counts'], error: string | null): UploadSessionStatus {
  if (counts.stored === 0) return 'failed';
  return counts.failed > 0 || error ? 'completed-with-failures' : 'completed';
}

async function finish(
  deps: IngestDeps,
  session: UploadSession,
  counts: UploadSession['counts'],
  error: string | null,
) {
  await deps.staging.delete(session.objectKey);
  const now = deps.clock.now();
  const noInstances = counts.stored + counts.failed === 0 ? 'The upload holds no instances.' : null;
  await deps.sessions.transition(
    session.orgId,
    session.sessionId,
    ['ingesting'],
    finalStatus(counts, error ?? noInstances),
    {
      error: error ?? noInstances,
      finishedAt: now.toISOString(),
      // Results stay readable for a day after the ingest finishes.
      expiresAt: new Date(now.getTime() + UPLOAD_SESSION_LIMITS.sessionLifetimeMs).toISOString(),
    },
  );
}

/**
 * The asynchronous half of an upload session: streams the staged object, runs every instance through
 * the STOW-RS storage path, records and audits each result, then deletes the staged object. It pauses at
 * a checkpoint when time runs short (`done: false`) and is safe to run again after any failure.
 */
export async function ingestUploadSession(
  deps: IngestDeps,
  ids: { orgId: string; sessionId: string },
  budget: { hasTimeLeft(): boolean },
): Promise<UploadIngestResult> {
  const session = await deps.sessions.get(ids.orgId, ids.sessionId);
  if (session?.status !== 'ingesting') return { done: true };
  const size = await deps.staging.sizeOf(session.objectKey);
  if (size !== session.totalBytes) {
    const error =
      size === null
        ? 'The uploaded object is no longer available.'
        : `The upload holds ${size} bytes but declared ${session.totalBytes}.`;
    await finish(deps, session, session.counts, error);
    return { done: true };
  }
  const recorder = new ResultRecorder(deps, session);
  if (session.progress.nextOffset < size) {
    if ((await ingestParts(deps, session, size, recorder, budget)) === 'paused') {
      await recorder.commit();
      deps.metrics.instancesNotStored(recorder.notStored);
      return { done: false };
    }
  }
  await recorder.commit();
  deps.metrics.instancesNotStored(recorder.notStored);
  await finish(deps, session, recorder.totals, null);
  return { done: true };
}

/** After the workflow's retries are spent: the session fails with what was committed so far. */
export async function abandonUploadIngest(
  deps: Pick<IngestDeps, 'sessions' | 'staging' | 'clock'>,
  ids: { orgId: string; sessionId: string },
): Promise<void> {
  const session = await deps.sessions.get(ids.orgId, ids.sessionId);
  if (session?.status !== 'ingesting') return;
  await deps.staging.delete(session.objectKey).catch(() => undefined);
  const now = deps.clock.now();
  await deps.sessions.transition(ids.orgId, ids.sessionId, ['ingesting'], 'failed', {
    error: 'The ingest stopped after repeated errors; the results recorded so far are kept.',
    finishedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UPLOAD_SESSION_LIMITS.sessionLifetimeMs).toISOString(),
  });
}
