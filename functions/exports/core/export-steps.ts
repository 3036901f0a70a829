import type { ExportTaskInput, ExportTaskResult } from '#schemas/exports/exports';
import { EXPORT_RETENTION_DAYS } from '#schemas/exports/exports';
import type { CurrentEdits, ImagingIndex } from '../../imaging/core/ports';
import { type PartWriterDeps, writeNextPart } from './archive-part';
import {
  orderStudies,
  type PlanChunk,
  type PlannedStudy,
  planStudy,
  STUDIES_PER_CHUNK,
  type StudyOrder,
} from './archive-plan';
import { exportKeys } from './export-keys';
import { discardExportObjects } from './exports';
import type { ExportAudit, ExportDirectory, ExportNotices } from './ports';

export interface ExportStepDeps extends PartWriterDeps {
  index: ImagingIndex;
  edits: CurrentEdits;
  notices: ExportNotices;
  directory: ExportDirectory;
  audit: ExportAudit;
  /** Where the ready mail points: the console's exports page. */
  consoleBase: string;
}

/**
 * Plans the export, a chunk of studies at a time, until the time budget is spent: the first call orders
 * every study; each chunk lists its instances and adds them to the totals. The checkpoint (chunks done
 * and totals) is saved with each chunk, so a retry never counts a study twice.
 */
export async function planExport(
  deps: ExportStepDeps,
  orgId: string,
  exportId: string,
): Promise<ExportTaskResult> {
  const job = await deps.jobs.get(orgId, exportId);
  if (job?.status !== 'running') return { done: true };
  if (job.cursor.planned) return { done: true };
  const startedAt = deps.clock.now().getTime();
  const keys = exportKeys(exportId);
  let order: StudyOrder;
  if (job.cursor.planChunks === 0) {
    order = await orderStudies(
      deps,
      orgId,
      job.scope.kind === 'study' ? job.scope.studyInstanceUid : undefined,
    );
    await deps.objects.putJson(keys.studyOrder, order);
  } else {
    order = (await deps.objects.getJson(keys.studyOrder)) as StudyOrder;
  }
  let { cursor, progress } = job;
  if (cursor.planChunks === 0) {
    progress = { ...progress, itemsTotal: job.scope.kind === 'study' ? 0 : deps.datasets.length };
  }
  for (;;) {
    const first = cursor.planChunks * STUDIES_PER_CHUNK;
    const slice = order.studies.slice(first, first + STUDIES_PER_CHUNK);
    const planned = slice.length === 0;
    if (!planned) {
      const studies: PlannedStudy[] = [];
      for (const study of slice) {
        const plannedStudy = await planStudy(deps, orgId, study);
        if (plannedStudy) studies.push(plannedStudy);
      }
      const chunk: PlanChunk = { studies };
      await deps.objects.putJson(keys.planChunk(cursor.planChunks), chunk);
      const instances = studies.flatMap((study) => study.instances);
      progress = {
        ...progress,
        itemsTotal: progress.itemsTotal + instances.length,
        bytesTotal: progress.bytesTotal + instances.reduce((sum, instance) => sum + instance.sizeBytes, 0),
      };
    }
    cursor = { ...cursor, planChunks: cursor.planChunks + (planned ? 0 : 1), planned };
    const saved = await deps.jobs.checkpoint(orgId, exportId, {
      cursor,
      progress,
      parts: job.parts,
      updatedAt: deps.clock.now().toISOString(),
    });
    if (!saved || planned) return { done: true };
    if (deps.clock.now().getTime() - startedAt >= deps.limits.budgetMs) return { done: false };
  }
}

/**
 * Ends a written export: it succeeds (parts kept for the retention period), its working objects go,
 * the end is audited and the requester is mailed a link to the console — never to the files.
 */
export async function finishExport(deps: ExportStepDeps, orgId: string, exportId: string) {
  const job = await deps.jobs.get(orgId, exportId);
  if (job?.status !== 'running') return { done: true };
  const now = deps.clock.now();
  await deps.audit.exportEnded(
    job,
    'succeeded',
    `${job.parts.length} part(s), ${job.progress.itemsDone} items, ${job.progress.bytesDone} bytes of DICOM`,
  );
  const ended = await deps.jobs.finish(job, {
    status: 'succeeded',
    at: now.toISOString(),
    failure: null,
  });
  if (!ended) return { done: true };
  await discardExportObjects(deps.objects, job, true);
  // A study archive's requester is waiting on its page; an organization export may take hours: mail.
  const requester =
    job.scope.kind === 'organization' ? await deps.directory.requester(orgId, job.requestedBy) : null;
  if (requester) {
    await deps.notices.exportReady(requester.email, {
      organizationName: (await deps.directory.organizationName(orgId)) ?? 'your organization',
      link: `${deps.consoleBase}/console/#/exports/${exportId}`,
      parts: job.parts.length,
      expiresAt: new Date(now.getTime() + EXPORT_RETENTION_DAYS * 24 * 60 * 60 * 1000).toISOString(),
    });
  }
  return { done: true };
}

/** The workflow's catch: the export fails cleanly — no part stays readable — and a new one may start. */
export async function failExport(deps: ExportStepDeps, orgId: string, exportId: string) {
  const job = await deps.jobs.get(orgId, exportId);
  if (!job) return { done: true };
  if (job.status === 'running') {
    await deps.jobs.finish(job, {
      status: 'failed',
      at: deps.clock.now().toISOString(),
      failure: 'export-step-failed',
    });
    await deps.audit.exportEnded(job, 'failed', 'a step failed after its retries');
  }
  if (job.status !== 'succeeded') await discardExportObjects(deps.objects, job);
  return { done: true };
}

export function runExportStep(deps: ExportStepDeps, input: ExportTaskInput): Promise<ExportTaskResult> {
  switch (input.step) {
    case 'plan':
      return planExport(deps, input.orgId, input.exportId);
    case 'write-part':
      return writeNextPart(deps, input.orgId, input.exportId);
    case 'finish':
      return finishExport(deps, input.orgId, input.exportId);
    case 'fail':
      return failExport(deps, input.orgId, input.exportId);
  }
}
