import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import type { ManifestFile } from '../../../functions/exports/core/archive-part';
import { safeName } from '../../../functions/exports/core/archive-plan';
import { type ExportStepDeps, runExportStep } from '../../../functions/exports/core/export-steps';
import {
  cancelExport,
  getStudyArchive,
  partDownload,
  requestExport,
  requestStudyArchive,
  toExportView,
} from '../../../functions/exports/core/exports';
import type { ExportDataset } from '../../../functions/exports/core/ports';
import { NO_EDITS } from '../../../functions/imaging/core/attribute-edits';
import type { StudyRecord } from '../../../functions/imaging/core/ports';
import { NotAcceptableError, NotFoundError } from '../../../functions/shared/errors';
import { zipStream } from '../../../functions/shared/zip-stream';
import { ctInstance, testUid } from '../../support/dicom-files';
import {
  MemoryExportJobs,
  MemoryExportObjects,
  RecordingExportAudit,
  RecordingExportNotices,
  RecordingExportWorkflow,
} from '../../support/export-fakes';
import { sequentialIds } from '../../support/fakes';
import { customer, MemoryImaging } from '../../support/imaging-fakes';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const patients: ExportDataset = {
  name: 'patients',
  title: 'Patients',
  description: 'one row per patient',
  columns: [{ key: 'patientId', header: 'Patient ID', kind: 'text' }],
  rows: async function* (orgId) {
    yield { patientId: `patient of ${orgId}` };
  },
};

/** An organization (org-a) with two patients, three studies (one edited), and a foreign one (org-b). */
function organization() {
  const imaging = new MemoryImaging();
  const edited = testUid();
  const files = new Map<string, Buffer>();
  const store = (orgId: string, options: Parameters<typeof ctInstance>[0]) => {
    const file = ctInstance(options);
    const instance = imaging.store(file, orgId);
    files.set(instance.sopInstanceUid, imaging.objects.get(instance.objectKey) as Buffer);
    return instance;
  };
  const studyA = testUid();
  const seriesA = testUid();
  for (let n = 0; n < 3; n += 1)
    store('org-a', {
      studyInstanceUid: studyA,
      seriesInstanceUid: seriesA,
      patientId: 'P1',
      patientName: 'Müller^Zoë',
    });
  store('org-a', { studyInstanceUid: edited, patientId: 'P2', patientName: 'Doe^John' });
  store('org-a', {
    studyInstanceUid: testUid(),
    patientId: 'P2',
    patientName: 'Doe^John',
    studyDate: '20250101',
  });
  const foreign = store('org-b', { patientId: 'FOREIGN', patientName: 'Other^Org' });
  imaging.deps.index.searchStudies = async (orgId) => {
    const byStudy = new Map<string, StudyRecord>();
    for (const instance of imaging.instances.filter((i) => i.orgId === orgId)) {
      byStudy.set(instance.studyInstanceUid, {
        studyInstanceUid: instance.studyInstanceUid,
        patientId: instance.patientId ?? null,
        patientName: instance.patientId === 'P1' ? 'Müller^Zoë' : 'Doe^John',
        studyDate: '20261124',
        studyTime: null,
        accessionNumber: null,
        referringPhysicianName: null,
        studyDescription: 'CT CHEST',
        studyId: null,
        modalities: ['CT'],
        seriesCount: 1,
        instanceCount: 1,
      });
    }
    return [...byStudy.values()];
  };
  imaging.deps.index.listSeries = async (orgId, study) => {
    const series = new Set(
      imaging.instances
        .filter((i) => i.orgId === orgId && i.studyInstanceUid === study)
        .map((i) => i.seriesInstanceUid),
    );
    return [...series].map((seriesInstanceUid) => ({
      studyInstanceUid: study,
      seriesInstanceUid,
      modality: 'CT',
      seriesNumber: 1,
      instanceCount: 1,
    }));
  };
  const edits = {
    currentEdits: async (_orgId: string, study: string) =>
      study === edited ? { study: { PatientName: 'Renamed^Patient' }, series: {} } : NO_EDITS,
  };
  return { imaging, edits, files, edited, foreign };
}

function exportDeps(overrides: Partial<ExportStepDeps> = {}) {
  const { imaging, edits, files, edited, foreign } = organization();
  const jobs = new MemoryExportJobs();
  const objects = new MemoryExportObjects();
  const notices = new RecordingExportNotices();
  const audit = new RecordingExportAudit();
  const workflow = new RecordingExportWorkflow();
  let now = Date.parse('2026-12-04T10:00:00.000Z');
  const clock = {
    now: () => {
      now += 10;
      return new Date(now);
    },
  };
  const deps: ExportStepDeps = {
    jobs,
    objects,
    zip: zipStream,
    files: { ...imaging.deps, edits },
    index: imaging.deps.index,
    edits,
    renderPng: async (target) => Buffer.from(`png ${target.instance.sopInstanceUid} ${target.frame}`),
    datasets: [patients],
    spreadsheets: {
      xlsx: async function* (dataset, orgId) {
        yield Buffer.from(`xlsx ${dataset.name} ${orgId}`);
      },
      csv: async function* (dataset, orgId) {
        for await (const row of dataset.rows(orgId)) yield Buffer.from(JSON.stringify(row));
      },
    },
    clock,
    limits: { partMaxBytes: 1024 * 1024, budgetMs: 60_000, maxRenderedFrames: 4, cancelCheckMs: 0 },
    notices,
    directory: {
      requester: async () => ({ email: 'admin@a.example', name: 'Admin' }),
      organizationName: async () => 'Clinic A',
    },
    audit,
    consoleBase: 'https://app.example',
    ...overrides,
  };
  const start = () =>
    requestExport({ jobs, clock, ids: sequentialIds('export'), workflow }, customer('org-a'));
  /** Runs the state machine's loop the way the ASL does. */
  const run = async (exportId: string) => {
    const input = { orgId: 'org-a', exportId };
    while (!(await runExportStep(deps, { ...input, step: 'plan' })).done);
    while (!(await runExportStep(deps, { ...input, step: 'write-part' })).done);
    await runExportStep(deps, { ...input, step: 'finish' });
  };
  return {
    deps,
    jobs,
    objects,
    notices,
    audit,
    workflow,
    imaging,
    files,
    edited,
    foreign,
    start,
    run,
    clock,
  };
}

async function readPart(bytes: Buffer) {
  const zip = await JSZip.loadAsync(bytes);
  const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string')) as {
    files: ManifestFile[];
    notRendered: { path: string; reason: string }[];
    part: number;
  };
  return { zip, manifest };
}

describe('organization export archive', () => {
  it('[PP-14] writes every instance unchanged with its rendering, the spreadsheets and a manifest whose hashes match', async () => {
    const { jobs, objects, start, run, files, foreign, notices, audit } = exportDeps();
    const { job, started } = await start();
    expect(started).toBe(true);
    await run(job.exportId);

    const done = await jobs.get('org-a', job.exportId);
    expect(done?.status).toBe('succeeded');
    expect(done?.progress).toEqual({
      itemsDone: 6,
      itemsTotal: 6,
      bytesDone: done?.progress.bytesTotal,
      bytesTotal: expect.any(Number),
    });
    const parts = objects.keys('exports/');
    expect(parts).toEqual([`exports/${job.exportId}/part-001.zip`]);
    const bytes = objects.objects.get(parts[0] as string) as Buffer;
    expect(done?.parts[0]?.sha256).toBe(sha256(bytes));

    const { zip, manifest } = await readPart(bytes);
    for (const file of manifest.files) {
      const content = await (zip.file(file.path) as JSZip.JSZipObject).async('uint8array');
      expect({ path: file.path, sha256: sha256(content), size: content.length }).toEqual({
        path: file.path,
        sha256: file.sha256,
        size: file.sizeBytes,
      });
    }
    const dicom = manifest.files.filter((file) => file.kind === 'dicom');
    expect(dicom).toHaveLength(5);
    // Unedited studies: byte for byte as stored. The edited one: the stored original beside it.
    for (const file of dicom) {
      const stored = files.get(file.sopInstanceUid as string) as Buffer;
      const original = manifest.files.find(
        (other) => other.kind === 'dicom-original' && other.sopInstanceUid === file.sopInstanceUid,
      );
      if (original) {
        expect(original.sha256).toBe(sha256(stored));
        expect(file.sha256).not.toBe(sha256(stored));
        expect(
          Buffer.from(await (zip.file(file.path) as JSZip.JSZipObject).async('uint8array')).includes(
            Buffer.from('Renamed^Patient'),
          ),
        ).toBe(true);
      } else {
        expect(file.sha256).toBe(sha256(stored));
      }
    }
    expect(manifest.files.filter((file) => file.kind === 'dicom-original')).toHaveLength(1);
    expect(manifest.files.filter((file) => file.kind === 'rendering')).toHaveLength(5);
    expect(Object.keys(zip.files)).toEqual(
      expect.arrayContaining(['README.md', 'spreadsheets/patients.xlsx', 'spreadsheets/patients.csv']),
    );
    // Folders read as the studies do now, by patient; nothing of org-b.
    expect(dicom.map((file) => file.path.split('/')[1])).toEqual(
      expect.arrayContaining(['P00001 Müller Zoë (P1)']),
    );
    expect(dicom.filter((file) => file.path.includes('(P2)'))).toHaveLength(2);
    expect(bytes.includes(Buffer.from(foreign.sopInstanceUid))).toBe(false);
    expect(bytes.includes(Buffer.from('patient of org-b'))).toBe(false);
    // The plan is gone; the requester is mailed a console link, never a file link; the end is audited.
    expect(objects.keys('work/')).toEqual([]);
    expect(notices.sent).toEqual([
      { to: 'admin@a.example', link: `https://app.example/console/#/exports/${job.exportId}`, parts: 1 },
    ]);
    expect(audit.ended).toEqual([{ exportId: job.exportId, outcome: 'succeeded' }]);
  });

  it('splits an organization larger than the part cap into numbered parts, each a complete ZIP', async () => {
    const { deps, objects, start, run, jobs } = exportDeps();
    deps.limits.partMaxBytes = 1; // every instance closes its part
    const { job } = await start();
    await run(job.exportId);
    const parts = objects.keys('exports/');
    expect(parts).toHaveLength(5);
    const seen: string[] = [];
    for (const [index, key] of parts.entries()) {
      const { manifest } = await readPart(objects.objects.get(key) as Buffer);
      expect(manifest.part).toBe(index + 1);
      seen.push(
        ...manifest.files
          .filter((file) => file.kind === 'dicom')
          .map((file) => file.sopInstanceUid as string),
      );
    }
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
    const view = toExportView((await jobs.get('org-a', job.exportId)) as never);
    expect(view.parts.map((part) => part.downloadUrl)).toEqual(
      parts.map((_, index) => `/v1/exports/${job.exportId}/parts/${index + 1}`),
    );
  });

  it('records frames it cannot render in the manifest and still writes the DICOM file', async () => {
    const { objects, start, run } = exportDeps({
      renderPng: async () => {
        throw new NotAcceptableError('Frames in transfer syntax 1.2.3 cannot be rendered.');
      },
    });
    const { job } = await start();
    await run(job.exportId);
    const { manifest } = await readPart(objects.objects.get(objects.keys('exports/')[0] as string) as Buffer);
    expect(manifest.files.filter((file) => file.kind === 'dicom')).toHaveLength(5);
    expect(manifest.notRendered).toHaveLength(5);
    expect(manifest.notRendered[0]?.reason).toContain('cannot be rendered');
  });

  it('retries a failed step from its checkpoint: nothing half-written stays, nothing is written twice', async () => {
    const { deps, objects, start, jobs, imaging } = exportDeps();
    deps.limits.partMaxBytes = 1;
    const { job } = await start();
    const input = { orgId: 'org-a', exportId: job.exportId };
    while (!(await runExportStep(deps, { ...input, step: 'plan' })).done);
    await runExportStep(deps, { ...input, step: 'write-part' });
    const read = imaging.deps.objects.read;
    let failures = 1;
    imaging.deps.objects.read = async (key, range) => {
      if (failures-- > 0) throw new Error('S3 read timed out');
      return read(key, range);
    };
    const before = await jobs.get('org-a', job.exportId);
    await expect(runExportStep(deps, { ...input, step: 'write-part' })).rejects.toThrow('timed out');
    expect(objects.keys('exports/')).toHaveLength(1);
    expect((await jobs.get('org-a', job.exportId))?.cursor).toEqual(before?.cursor);
    while (!(await runExportStep(deps, { ...input, step: 'write-part' })).done);
    await runExportStep(deps, { ...input, step: 'finish' });
    const finished = await jobs.get('org-a', job.exportId);
    expect(finished?.status).toBe('succeeded');
    expect(finished?.progress.itemsDone).toBe(6);
    expect(objects.keys('exports/')).toHaveLength(5);
  });

  it('fails cleanly when retries run out: no part stays readable, and a new export then succeeds', async () => {
    const { deps, objects, start, jobs, run, audit } = exportDeps();
    deps.limits.partMaxBytes = 1;
    const { job } = await start();
    const input = { orgId: 'org-a', exportId: job.exportId };
    while (!(await runExportStep(deps, { ...input, step: 'plan' })).done);
    await runExportStep(deps, { ...input, step: 'write-part' });
    expect(objects.keys('exports/')).toHaveLength(1);
    await runExportStep(deps, { ...input, step: 'fail' });
    expect((await jobs.get('org-a', job.exportId))?.status).toBe('failed');
    expect(objects.keys('exports/')).toEqual([]);
    expect(objects.keys('work/')).toEqual([]);
    expect(audit.ended).toEqual([{ exportId: job.exportId, outcome: 'failed' }]);
    const second = await start();
    expect(second.started).toBe(true);
    await run(second.job.exportId);
    expect((await jobs.get('org-a', second.job.exportId))?.status).toBe('succeeded');
  });

  it('returns the running export to a second request instead of starting another', async () => {
    const { start, workflow } = exportDeps();
    const first = await start();
    const second = await start();
    expect(second).toEqual({
      job: expect.objectContaining({ exportId: first.job.exportId }),
      started: false,
    });
    expect(workflow.started).toHaveLength(1);
  });

  it('cancelling stops the workflow, deletes written parts, and abandons the part being written', async () => {
    const { deps, objects, start, jobs, workflow, clock } = exportDeps();
    deps.limits.partMaxBytes = 1;
    const { job } = await start();
    const input = { orgId: 'org-a', exportId: job.exportId };
    while (!(await runExportStep(deps, { ...input, step: 'plan' })).done);
    await runExportStep(deps, { ...input, step: 'write-part' });
    expect(objects.keys('exports/')).toHaveLength(1);
    // A cancel arrives while the next part is being written.
    const render = deps.renderPng;
    deps.renderPng = async (target) => {
      await cancelExport(
        { jobs, clock, ids: sequentialIds(), workflow, objects },
        customer('org-a'),
        job.exportId,
      );
      return render(target);
    };
    expect(await runExportStep(deps, { ...input, step: 'write-part' })).toEqual({ done: true });
    expect((await jobs.get('org-a', job.exportId))?.status).toBe('cancelled');
    expect(workflow.stopped).toHaveLength(1);
    expect(objects.keys('exports/')).toEqual([]);
    await expect(
      partDownload({ jobs, clock, ids: sequentialIds(), objects }, customer('org-a'), job.exportId, 1),
    ).rejects.toThrow('not available');
  });

  it('issues download URLs only for a succeeded export of the caller organization', async () => {
    const { jobs, objects, start, run, clock } = exportDeps();
    const { job } = await start();
    const deps = { jobs, clock, ids: sequentialIds(), objects };
    await expect(partDownload(deps, customer('org-a'), job.exportId, 1)).rejects.toThrow('not available');
    await run(job.exportId);
    const download = await partDownload(deps, customer('org-a'), job.exportId, 1);
    expect(download.url).toContain(`exports/${job.exportId}/part-001.zip`);
    expect(download.expiresInSeconds).toBe(60);
    await expect(partDownload(deps, customer('org-b'), job.exportId, 1)).rejects.toThrow('Export not found');
    await expect(partDownload(deps, customer('org-a'), job.exportId, 2)).rejects.toThrow('not available');
  });

  it('names folders safely whatever a patient name holds', () => {
    expect(safeName('../../etc/passwd', 'x')).toBe('etc passwd');
    expect(safeName('A:B*C?"<>|\u0000', 'x')).toBe('A B C');
    expect(safeName('  ', 'Unnamed')).toBe('Unnamed');
    expect(safeName('山田^太郎', 'x')).toBe('山田 太郎');
    expect(safeName('x'.repeat(200), 'x')).toHaveLength(60);
  });
});

describe('study archive: one study prepared as ZIP parts of its DICOM files', () => {
  function studyArchiveDeps() {
    const context = exportDeps();
    const { imaging } = context;
    // The study records as the index holds them: the organization's own only.
    imaging.deps.index.getStudy = async (orgId, study) =>
      (await imaging.deps.index.searchStudies(orgId, {}, 100)).find(
        (record) => record.studyInstanceUid === study,
      ) ?? null;
    const member = { ...customer('org-a'), userId: 'radiologist-1' };
    const requestDeps = {
      jobs: context.jobs,
      clock: context.clock,
      ids: sequentialIds('archive'),
      workflow: context.workflow,
      index: imaging.deps.index,
    };
    const ask = (study: string, who = member) => requestStudyArchive(requestDeps, who, study);
    return { ...context, member, ask, requestDeps };
  }

  it('writes that study alone, as it reads now with its stored originals, without renderings or spreadsheets, and mails nobody', async () => {
    const { ask, run, jobs, objects, files, edited, notices, audit, member } = studyArchiveDeps();
    const { job, started } = await ask(edited);
    expect(started).toBe(true);
    expect(job.scope).toEqual({ kind: 'study', studyInstanceUid: edited });
    await run(job.exportId);

    const done = await jobs.get('org-a', job.exportId);
    expect(done?.status).toBe('succeeded');
    expect(done?.progress.itemsTotal).toBe(1);
    const bytes = objects.objects.get(objects.keys('exports/')[0] as string) as Buffer;
    const { zip, manifest } = await readPart(bytes);
    expect(manifest.files.map((file) => file.kind).sort()).toEqual(['dicom', 'dicom-original', 'readme']);
    const original = manifest.files.find((file) => file.kind === 'dicom-original');
    expect(original?.sha256).toBe(sha256(files.get(original?.sopInstanceUid as string) as Buffer));
    expect(Object.keys(zip.files).some((name) => name.startsWith('spreadsheets/'))).toBe(false);
    expect(await (zip.file('README.md') as JSZip.JSZipObject).async('string')).toContain('study archive');
    expect(notices.sent).toEqual([]);
    expect(audit.ended).toEqual([{ exportId: job.exportId, outcome: 'succeeded' }]);
    // Its links are the study-archive routes, which only its requester reaches.
    const view = toExportView(done as NonNullable<typeof done>);
    expect(view.parts[0]?.downloadUrl).toBe(`/v1/study-archives/${job.exportId}/parts/1`);
    await expect(
      getStudyArchive({ jobs, clock: { now: () => new Date() }, ids: sequentialIds() }, member, job.exportId),
    ).resolves.toMatchObject({ exportId: job.exportId });
  });

  it("answers a missing or another organization's study, and anyone else's archive, as not found", async () => {
    const { ask, foreign, edited, jobs, clock, member } = studyArchiveDeps();
    await expect(ask(foreign.studyInstanceUid)).rejects.toThrow(NotFoundError);
    await expect(ask(testUid())).rejects.toThrow(NotFoundError);
    const { job } = await ask(edited);
    const deps = { jobs, clock, ids: sequentialIds() };
    for (const other of [
      { ...member, userId: 'radiologist-2' },
      { ...customer('org-b'), userId: member.userId },
    ]) {
      await expect(getStudyArchive(deps, other, job.exportId)).rejects.toThrow(NotFoundError);
    }
    // An organization export's id is not a study archive either.
    const { job: organizationExport } = await requestExport(
      { jobs, clock, ids: sequentialIds('org-export'), workflow: new RecordingExportWorkflow() },
      customer('org-a'),
    );
    await expect(getStudyArchive(deps, customer('org-a'), organizationExport.exportId)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('runs one at a time per member, beside other members and the organization export', async () => {
    const { ask, edited, member, jobs, clock, workflow } = studyArchiveDeps();
    const first = await ask(edited);
    const again = await ask(edited);
    expect(again).toEqual({ job: expect.objectContaining({ exportId: first.job.exportId }), started: false });
    const colleague = await ask(edited, { ...member, userId: 'radiologist-2' });
    expect(colleague.started).toBe(true);
    const organizationExport = await requestExport(
      { jobs, clock, ids: sequentialIds('org-export'), workflow },
      customer('org-a'),
    );
    expect(organizationExport.started).toBe(true);
  });
});
