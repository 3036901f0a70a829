import { createHash } from 'node:crypto';
import type { ExportCursor, ExportPart } from '#schemas/exports/exports';
import type { CurrentEdits, StoredInstance } from '../../imaging/core/ports';
import type { RenderTarget } from '../../imaging/core/rendering/render';
import { currentAttributes, type RetrieveDeps } from '../../imaging/core/retrieve';
import { verifiedContent } from '../../imaging/core/verified-read';
import { DomainError, NotAcceptableError, NotFoundError, PayloadTooLargeError } from '../../shared/errors';
import type { Clock } from '../../shared/ports';
import type { ZipEntry } from '../../shared/zip-stream';
import type { PlanChunk, PlannedInstance, PlannedStudy } from './archive-plan';
import { archiveReadme } from './archive-readme';
import { exportKeys } from './export-keys';
import type { ExportDataset, ExportJobs, ExportObjects } from './ports';

/** One file of a ZIP part: opened only when the archive reaches it. */
export type ArchiveEntry = ZipEntry;

/** Writes entries, in order, as one ZIP stream (ZIP64 where sizes or counts need it). */
export type ZipWriter = (entries: AsyncIterable<ArchiveEntry>) => AsyncIterable<Uint8Array>;

export interface ManifestFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  kind: 'dicom' | 'dicom-original' | 'rendering' | 'spreadsheet' | 'readme';
  sopInstanceUid?: string;
  frame?: number;
}

export interface PartWriterDeps {
  jobs: ExportJobs;
  objects: ExportObjects;
  zip: ZipWriter;
  files: RetrieveDeps & { edits: CurrentEdits };
  /** Renders one frame as PNG (imaging's renderer). */
  renderPng: (target: RenderTarget) => Promise<Uint8Array>;
  datasets: readonly ExportDataset[];
  spreadsheets: {
    xlsx: (dataset: ExportDataset, orgId: string) => AsyncIterable<Uint8Array>;
    csv: (dataset: ExportDataset, orgId: string) => AsyncIterable<Uint8Array>;
  };
  clock: Clock;
  limits: {
    partMaxBytes: number;
    /** Milliseconds a step may write before it closes its part at the next instance. */
    budgetMs: number;
    maxRenderedFrames: number;
    /** How often a running step checks whether the export was cancelled. */
    cancelCheckMs: number;
  };
}

/** The export was cancelled (or ended) while a step ran: its part is abandoned. */
export class ExportNoLongerRunning extends Error {
  override readonly name = 'ExportNoLongerRunning';
}

/** Render failures that are a property of the image, recorded in the manifest rather than failing the export. */
const UNRENDERABLE = [NotAcceptableError, PayloadTooLargeError, NotFoundError];

/** Counts and hashes what passes, so the manifest can state each file's size and SHA-256. */
async function* measured(
  source: AsyncIterable<Uint8Array>,
  done: (sizeBytes: number, sha256: string) => void,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
    yield chunk;
  }
  done(size, hash.digest('hex'));
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const partNumber = (part: number) => String(part).padStart(3, '0');

/** Frames of one instance rendering ahead of the one being written. */
const RENDER_AHEAD = 2;
/** Instances after the current one whose first frames render while it is written. */
const LOOKAHEAD_INSTANCES = 2;

type RenderOutcome = { png: Uint8Array } | { error: unknown };
interface PendingRender {
  /** Starts the render (once) and returns its outcome; never rejects. */
  start(): Promise<RenderOutcome>;
}

function pendingRender(render: () => Promise<Uint8Array>): PendingRender {
  let started: Promise<RenderOutcome> | null = null;
  return {
    start: () => {
      started ??= render().then(
        (png) => ({ png }),
        (error: unknown) => ({ error }),
      );
      return started;
    },
  };
}

/** The next `count` instances after the given position, in the same plan chunk. */
function* upcoming(chunk: PlanChunk, study: number, instance: number, count: number) {
  let found = 0;
  let s = study;
  let i = instance + 1;
  while (found < count && s < chunk.studies.length) {
    const current = chunk.studies[s] as PlannedStudy;
    const next = current.instances[i];
    if (next) {
      found += 1;
      yield { study: current, instance: next };
      i += 1;
    } else {
      s += 1;
      i = 0;
    }
  }
}

/**
 * Writes the next part of a running export: the README, then (first part) every spreadsheet, then
 * instances from the checkpoint on — each DICOM file as the study reads now (edited studies also keep
 * the stored original beside it) with its rendered frames — and last the part's manifest. The part closes
 * after the instance that reaches the size cap or the time budget; the checkpoint then moves past it.
 * A failure leaves no object and no checkpoint change, so a retry writes the same part again.
 */
export async function writeNextPart(
  deps: PartWriterDeps,
  orgId: string,
  exportId: string,
): Promise<{ done: boolean }> {
  const job = await deps.jobs.get(orgId, exportId);
  if (job?.status !== 'running') return { done: true };
  if (!job.cursor.planned) throw new Error('export plan is not complete');
  const startedAt = deps.clock.now().getTime();
  const cursor: ExportCursor = { ...job.cursor };
  const keys = exportKeys(exportId);
  const partKey = keys.part(cursor.nextPart);
  const manifest: ManifestFile[] = [];
  const notRendered: { path: string; frame: number; reason: string }[] = [];
  let items = cursor.committedItems;
  let bytes = cursor.committedBytes;
  let written = 0;
  let instancesInPart = 0;
  let lastCheck = startedAt;

  const stillRunning = async () => {
    const now = deps.clock.now().getTime();
    if (now - lastCheck < deps.limits.cancelCheckMs) return;
    lastCheck = now;
    const current = await deps.jobs.get(orgId, exportId);
    if (current?.status !== 'running') throw new ExportNoLongerRunning();
    await deps.jobs.checkpoint(orgId, exportId, {
      cursor: job.cursor,
      parts: job.parts,
      progress: { ...job.progress, itemsDone: items, bytesDone: bytes },
      updatedAt: deps.clock.now().toISOString(),
    });
  };

  const entry = (
    name: string,
    kind: ManifestFile['kind'],
    open: () => Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>,
    extra: Partial<ManifestFile> = {},
  ): ArchiveEntry => ({
    name,
    open: async () =>
      measured(await open(), (sizeBytes, sha256) => {
        written += sizeBytes;
        manifest.push({ path: name, sizeBytes, sha256, kind, ...extra });
      }),
  });

  const storedOf = (study: PlannedStudy, instance: PlannedInstance): StoredInstance => ({
    orgId,
    studyInstanceUid: study.studyInstanceUid,
    seriesInstanceUid: study.series[instance.series]?.seriesInstanceUid ?? '',
    sopInstanceUid: instance.sopInstanceUid,
    sopClassUid: instance.sopClassUid,
    transferSyntaxUid: instance.transferSyntaxUid,
    objectKey: instance.objectKey,
    sha256: instance.sha256,
    sizeBytes: instance.sizeBytes,
    instanceNumber: instance.instanceNumber,
    rows: null,
    columns: null,
    frames: instance.frames,
    storedAt: '',
  });

  /**
   * Renders run ahead of the archive (the next instances' first frames, the next frames of this one), so
   * decoding and PNG encoding overlap with writing; at most RENDER_AHEAD frames per instance and
   * LOOKAHEAD_INSTANCES instances are in flight, which bounds the memory they hold.
   */
  const rendering = new Map<PlannedInstance, PendingRender[]>();
  const startRenders = (study: PlannedStudy, instance: PlannedInstance): PendingRender[] => {
    const known = rendering.get(instance);
    if (known) return known;
    const target = storedOf(study, instance);
    // A study archive is the DICOM files alone: what a viewer or another archive takes in.
    const frames =
      instance.image && job.scope.kind === 'organization'
        ? Math.min(instance.frames ?? 1, deps.limits.maxRenderedFrames)
        : 0;
    const renders = Array.from({ length: frames }, (_, at) =>
      pendingRender(() => deps.renderPng({ instance: target, frame: at + 1 })),
    );
    for (const render of renders.slice(0, RENDER_AHEAD)) render.start();
    rendering.set(instance, renders);
    return renders;
  };

  const instanceEntries = async function* (
    study: PlannedStudy,
    instance: PlannedInstance,
  ): AsyncGenerator<ArchiveEntry> {
    const series = study.series[instance.series];
    const folder = `${study.folder}/${series?.folder ?? 'SE000'}`;
    const stored = storedOf(study, instance);
    const original = async () =>
      verifiedContent(
        await deps.files.objects.read(instance.objectKey),
        { kind: 'object', digest: instance.sha256, length: instance.sizeBytes },
        4 * 1024 * 1024,
      );
    const ids = { sopInstanceUid: instance.sopInstanceUid };
    if (study.edited) {
      const edits = await deps.files.edits.currentEdits(orgId, study.studyInstanceUid);
      yield entry(
        `${folder}/${instance.file}.dcm`,
        'dicom',
        async () => currentAttributes(edits)(stored, await original()),
        ids,
      );
      yield entry(`${folder}/${instance.file}.original.dcm`, 'dicom-original', original, ids);
    } else {
      yield entry(`${folder}/${instance.file}.dcm`, 'dicom', original, ids);
    }
    const renders = startRenders(study, instance);
    for (let at = 0; at < renders.length; at += 1) {
      const frame = at + 1;
      // Keep RENDER_AHEAD frames rendering while this one is written.
      renders[at + RENDER_AHEAD]?.start();
      const outcome = await (renders[at] as PendingRender).start();
      if ('error' in outcome) {
        const { error } = outcome;
        if (!UNRENDERABLE.some((kind) => error instanceof kind)) throw error;
        notRendered.push({
          path: `${folder}/${instance.file}.dcm`,
          frame,
          reason: error instanceof DomainError ? error.message : 'not renderable',
        });
        break;
      }
      const name =
        (instance.frames ?? 1) > 1
          ? `${folder}/${instance.file}-frame${String(frame).padStart(4, '0')}.png`
          : `${folder}/${instance.file}.png`;
      yield entry(name, 'rendering', () => once(outcome.png), { ...ids, frame });
    }
    rendering.delete(instance);
  };

  const entries = async function* (): AsyncGenerator<ArchiveEntry> {
    const readme = archiveReadme({
      exportId,
      part: cursor.nextPart,
      createdAt: job.createdAt,
      datasets: deps.datasets,
      maxRenderedFrames: deps.limits.maxRenderedFrames,
      studyArchive: job.scope.kind === 'study',
    });
    yield entry('README.md', 'readme', () => once(Buffer.from(readme, 'utf8')));
    if (!cursor.spreadsheetsDone) {
      for (const dataset of deps.datasets) {
        await stillRunning();
        yield entry(`spreadsheets/${dataset.name}.xlsx`, 'spreadsheet', () =>
          deps.spreadsheets.xlsx(dataset, orgId),
        );
        yield entry(`spreadsheets/${dataset.name}.csv`, 'spreadsheet', () =>
          deps.spreadsheets.csv(dataset, orgId),
        );
        items += 1;
      }
      cursor.spreadsheetsDone = true;
    }
    let chunk: PlanChunk | null = null;
    while (cursor.chunk < cursor.planChunks) {
      chunk ??= (await deps.objects.getJson(keys.planChunk(cursor.chunk))) as PlanChunk;
      const study = chunk.studies[cursor.study];
      if (!study) {
        cursor.chunk += 1;
        cursor.study = 0;
        cursor.instance = 0;
        chunk = null;
        continue;
      }
      const instance = study.instances[cursor.instance];
      if (!instance) {
        cursor.study += 1;
        cursor.instance = 0;
        continue;
      }
      const elapsed = deps.clock.now().getTime() - startedAt;
      // Each part holds at least one instance, so a file larger than the cap still gets written.
      if (instancesInPart > 0 && (written >= deps.limits.partMaxBytes || elapsed >= deps.limits.budgetMs)) {
        return;
      }
      await stillRunning();
      for (const ahead of upcoming(chunk, cursor.study, cursor.instance, LOOKAHEAD_INSTANCES)) {
        startRenders(ahead.study, ahead.instance);
      }
      yield* instanceEntries(study, instance);
      cursor.instance += 1;
      instancesInPart += 1;
      items += 1;
      bytes += instance.sizeBytes;
    }
  };

  const archive = async function* (): AsyncGenerator<ArchiveEntry> {
    yield* entries();
    const body = {
      format: 'pacscribe-export/1',
      exportId,
      organizationId: orgId,
      part: cursor.nextPart,
      createdAt: job.createdAt,
      files: manifest.slice(),
      notRendered,
    };
    // The manifest describes every file before it, not itself.
    yield {
      name: 'manifest.json',
      open: () => once(Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8')),
    };
  };

  let partSha = '';
  let partSize = 0;
  try {
    await deps.objects.upload(
      partKey,
      measured(deps.zip(archive()), (size, sha) => {
        partSize = size;
        partSha = sha;
      }),
    );
  } catch (error) {
    if (error instanceof ExportNoLongerRunning) return { done: true };
    throw error;
  }
  const part: ExportPart = {
    part: cursor.nextPart,
    objectKey: partKey,
    sizeBytes: partSize,
    sha256: partSha,
    files: manifest.length + 1,
  };
  const done = cursor.chunk >= cursor.planChunks;
  const next: ExportCursor = {
    ...cursor,
    nextPart: cursor.nextPart + 1,
    committedItems: items,
    committedBytes: bytes,
  };
  const saved = await deps.jobs.checkpoint(orgId, exportId, {
    cursor: next,
    parts: [...job.parts.filter((existing) => existing.part !== part.part), part],
    progress: { ...job.progress, itemsDone: items, bytesDone: bytes },
    updatedAt: deps.clock.now().toISOString(),
  });
  if (!saved) {
    // Cancelled while the part was being completed: it must not stay readable.
    await deps.objects.deleteAll([partKey]);
    return { done: true };
  }
  return { done };
}

export const partFileName = (exportId: string, part: number) =>
  `pacscribe-export-${exportId.slice(0, 8)}-part${partNumber(part)}.zip`;
