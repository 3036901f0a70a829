import {
  EXPORT_DOWNLOAD_URL_SECONDS,
  EXPORT_RETENTION_DAYS,
  type ExportJob,
  type ExportView,
} from '#schemas/exports/exports';
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
  return {
    exportId: job.exportId,
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
            downloadUrl: `/v1/exports/${job.exportId}/parts/${part.part}`,
          }))
        : [],
    expiresAt: job.expiresAt,
  };
}

/**
 * Starts an export of the whole organization [PP-14], or returns the one already running: a second
 * click never starts a second archive. The workflow gets ids only.
 */
export async function requestExport(
  deps: ExportsDeps & { workflow: ExportWorkflow },
  principal: CustomerPrincipal,
): Promise<{ job: ExportJob; started: boolean }> {
  const now = deps.clock.now();
  const job: ExportJob = {
    exportId: deps.ids.newId(),
    orgId: principal.orgId,
    requestedBy: principal.userId,
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
      spreadsheetsDone: false,
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
    await deps.jobs.finish(job.orgId, job.exportId, {
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
  const ended = await deps.jobs.finish(principal.orgId, exportId, {
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
) {
  const job = await getExport(deps, principal, exportId);
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
