import {
  EXPORT_DOWNLOAD_URL_SECONDS,
  EXPORT_RETENTION_DAYS,
  type ExportJob,
  type ExportScope,
  type ExportView,
} from '#schemas/exports/exports';
import type { ImagingIndex } from '../../imaging/core/ports';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { Clock, IdGenerator } from '../../shared/ports';
import { partFileName } from './archive-part';
import { exportKeys, workKeys } from './export-keys';
import type { ExportJobs, ExportObjects, ExportWorkflow } from './ports';

export interface ExportsDeps {
  jobs: ExportJobs;
  clock: Clock;
  ids: IdGenerator;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The API's view: download links only once the export succeeded, each the audited part route (a path on
 * this API, which redirects to the short-lived S3 URL).
 */
export function toExportView(job: ExportJob): ExportView {
  const base =
    job.scope.kind === 'study' ? `/v1/study-archives/${job.exportId}` : `/v1/exports/${job.exportId}`;
  return {
    exportId: job.exportId,
    scope: job.scope,
    status: job.status,
    requestedBy: job.requestedBy,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    failure: job.failure,
    progress: job.progress,
    parts:
      job.status === 'succeeded'
        ? job.parts.map((part) => ({
            part: part.part,
            sizeBytes: part.sizeBytes,
            sha256: part.sha256,
            files: part.files,
            downloadUrl: `${base}/parts/${part.part}`,
          }))
        : [],
    expiresAt: job.expiresAt,
  };
}

/**
 * Starts an export of the whole organization [PP-14], or returns the one already running: a second
 * click never starts a second archive. The workflow gets ids only.
 */
export function requestExport(
  deps: ExportsDeps & { workflow: ExportWorkflow },
  principal: CustomerPrincipal,
): Promise<{ job: ExportJob; started: boolean }> {
  return startExport(deps, principal, { kind: 'organization' });
}

/**
 * Prepares one study as a ZIP of its DICOM files (as they read now, edited ones with their stored
 * originals): the download for a study too large to stream through the API, served from S3 at S3's speed.
 * A member holding `view` may ask, as they may retrieve the study through WADO-RS; one runs at a time per
 * member (a second request returns the running one). A missing or another organization's study is 404.
 */
export async function requestStudyArchive(
  deps: ExportsDeps & { workflow: ExportWorkflow; index: Pick<ImagingIndex, 'getStudy'> },
  principal: CustomerPrincipal,
  studyInstanceUid: string,
): Promise<{ job: ExportJob; started: boolean }> {
  if (!(await deps.index.getStudy(principal.orgId, studyInstanceUid))) {
    throw new NotFoundError('Study not found.');
  }
  return startExport(deps, principal, { kind: 'study', studyInstanceUid });
}

async function startExport(
  deps: ExportsDeps & { workflow: ExportWorkflow },
  principal: CustomerPrincipal,
  scope: ExportScope,
): Promise<{ job: ExportJob; started: boolean }> {
  const now = deps.clock.now();
  const job: ExportJob = {
    exportId: deps.ids.newId(),
    orgId: principal.orgId,
    requestedBy: principal.userId,
    scope,
    status: 'running',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    finishedAt: null,
    failure: null,
    progress: { itemsDone: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0 },
    parts: [],
    cursor: {
      planChunks: 0,
      planned: false,
      nextPart: 1,
      chunk: 0,
      study: 0,
      instance: 0,
      // A study archive carries no spreadsheets.
      spreadsheetsDone: scope.kind === 'study',
      committedItems: 0,
      committedBytes: 0,
    },
    // Provisional until it finishes: a running export's record outlives any workflow.
    expiresAt: new Date(now.getTime() + (EXPORT_RETENTION_DAYS + 1) * DAY_MS).toISOString(),
    executionArn: null,
  };
  const created = await deps.jobs.create(job);
  if (!created.created) return { job: created.running, started: false };
  try {
    const executionArn = await deps.workflow.start({ orgId: job.orgId, exportId: job.exportId });
    await deps.jobs.setExecution(job.orgId, job.exportId, executionArn);
    return { job: { ...job, executionArn }, started: true };
  } catch (error) {
    // Never leave a running export no workflow will finish: it would block every later request.
    await deps.jobs.finish(job, {
      status: 'failed',
      at: deps.clock.now().toISOString(),
      failure: 'workflow-not-started',
    });
    throw error;
  }
}

export async function getExport(deps: ExportsDeps, principal: CustomerPrincipal, exportId: string) {
  const job = await deps.jobs.get(principal.orgId, exportId);
  if (!job) throw new NotFoundError('Export not found.');
  return job;
}

/**
 * A study archive, to the member who asked for it only: anyone else's, an organization export or a
 * missing id answer alike (404).
 */
export async function getStudyArchive(deps: ExportsDeps, principal: CustomerPrincipal, exportId: string) {
  const job = await deps.jobs.get(principal.orgId, exportId);
  if (job?.scope.kind !== 'study' || job.requestedBy !== principal.userId) {
    throw new NotFoundError('Study archive not found.');
  }
  return job;
}

export const listExports = (deps: ExportsDeps, principal: CustomerPrincipal) =>
  deps.jobs.list(principal.orgId);

/**
 * Cancels a running export: it ends at once (no link is ever issued), the workflow is stopped and every
 * part already written is deleted; a step still writing notices and abandons its part.
 */
export async function cancelExport(
  deps: ExportsDeps & { workflow: ExportWorkflow; objects: ExportObjects },
  principal: CustomerPrincipal,
  exportId: string,
): Promise<ExportJob> {
  const job = await getExport(deps, principal, exportId);
  if (job.status !== 'running') return job;
  const ended = await deps.jobs.finish(job, {
    status: 'cancelled',
    at: deps.clock.now().toISOString(),
    failure: null,
  });
  if (ended && job.executionArn) await deps.workflow.stop(job.executionArn);
  await discardExportObjects(deps.objects, job);
  return (await deps.jobs.get(principal.orgId, exportId)) ?? job;
}

/** Deletes what an ended export wrote: its parts (unless it succeeded) and its working objects. */
export async function discardExportObjects(
  objects: ExportObjects,
  job: ExportJob,
  keepParts = false,
): Promise<void> {
  const keys = workKeys(job.exportId, job.cursor.planChunks + 1);
  // The part a step may be writing right now is deleted too, should it complete after this.
  const parts = keepParts
    ? []
    : Array.from({ length: job.cursor.nextPart }, (_, index) => exportKeys(job.exportId).part(index + 1));
  await objects.deleteAll([...parts, ...keys]);
}

/**
 * A short-lived URL for one part of a succeeded export; the route records the download (DICOM Export)
 * before the URL is issued.
 */
export async function partDownload(
  deps: ExportsDeps & { objects: ExportObjects },
  principal: CustomerPrincipal,
  exportId: string,
  partNumber: number,
  find: typeof getExport = getExport,
) {
  const job = await find(deps, principal, exportId);
  const part = job.parts.find((candidate) => candidate.part === partNumber);
  if (job.status !== 'succeeded' || !part || Date.parse(job.expiresAt) <= deps.clock.now().getTime()) {
    throw new NotFoundError('That part is not available: the export is not finished, or has expired.');
  }
  return {
    url: await deps.objects.presign(
      part.objectKey,
      EXPORT_DOWNLOAD_URL_SECONDS,
      partFileName(exportId, partNumber),
    ),
    expiresInSeconds: EXPORT_DOWNLOAD_URL_SECONDS,
    sizeBytes: part.sizeBytes,
    sha256: part.sha256,
  };
}
