import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import JSZip from 'jszip';
import { readPart10 } from '../../../functions/imaging/core/part10';
import { LOCAL_EXPORTS_BUCKET } from '../../../scripts/local/bootstrap';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi, localConfig, postJson, sentMail } from '../../support/local-client';
import { localImagingStorage } from '../../support/local-imaging';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The data set: what PACScribe keeps unchanged (the 128-byte preamble is zeroed on ingest). */
const dataSet = (file: Uint8Array) => Buffer.from(file).subarray(128);

let org: TestOrganization;
let other: TestOrganization;
const uploaded = new Map<string, Buffer>();
const editedStudy = testUid();
const reportStudy = testUid();
const RECIPIENT = 'second-opinion@elsewhere.example';
let s3: S3Client;
let exportsBucket: string;

interface ManifestFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  kind: string;
  sopInstanceUid?: string;
}

async function store(token: string, files: Buffer[]) {
  const response = await stow(token, files);
  expect(response.status).toBe(200);
  for (const file of files) uploaded.set(readPart10(file).sopInstanceUid, file);
}

const startExport = (token: string) => callApi('POST', '/v1/exports', { token });
const exportStatus = (token: string, exportId: string) =>
  callApi('GET', `/v1/exports/${exportId}`, { token });

async function finished(token: string, exportId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await exportStatus(token, exportId);
    expect(response.status).toBe(200);
    const current = response.json().export;
    if (current.status !== 'running') return current;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still running`);
    await sleep(250);
  }
}

async function downloadParts(token: string, current: { parts: { downloadUrl: string; sha256: string }[] }) {
  const parts: Buffer[] = [];
  for (const part of current.parts) {
    const issued = await callApi('GET', part.downloadUrl, { token, headers: { accept: 'application/json' } });
    expect(issued.status).toBe(200);
    const body = Buffer.from(await (await fetch(issued.json().url)).arrayBuffer());
    expect(sha256(body)).toBe(part.sha256);
    parts.push(body);
  }
  return parts;
}

async function objectsUnder(prefix: string) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: exportsBucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key);
}

beforeAll(async () => {
  [org, other] = await Promise.all([freshOrganization('export'), freshOrganization('export-other')]);
  const technologist = org.users.technologist.accessToken;
  const sample = (name: string) => readFileSync(path.join(SAMPLES, name));
  // Several transfer syntaxes: explicit VR little endian, JPEG 2000, RLE; and big CT images, so that the
  // organization spans more than one part (the suite's stack closes a part at 1 MiB).
  await store(technologist, [sample('CT_small.dcm'), sample('693_J2KI.dcm'), sample('MR_small_RLE.dcm')]);
  await store(
    technologist,
    [1, 2, 3].map((n) =>
      ctInstance({
        studyInstanceUid: editedStudy,
        patientId: 'EXP-PID-1',
        patientName: 'Wrong^Name',
        rows: 512,
        columns: 512,
        extra: { InstanceNumber: String(n) },
      }),
    ),
  );
  await store(technologist, [
    ctInstance({
      studyInstanceUid: reportStudy,
      patientName: 'Müller^Zoë',
      extra: { SpecificCharacterSet: 'ISO_IR 192' },
    }),
  ]);
  const foreign = ctInstance({ patientName: 'Foreign^Patient', patientId: 'FOREIGN-PID' });
  expect((await stow(other.users.technologist.accessToken, [foreign])).status).toBe(200);

  const edit = await callApi('PATCH', `/v1/studies/${editedStudy}`, {
    token: technologist,
    body: JSON.stringify({
      changes: { PatientName: 'Right^Name' },
      reason: 'name typed wrong at the modality',
    }),
  });
  expect(edit.status).toBe(200);
  const report = await callApi('PUT', `/v1/studies/${reportStudy}/report`, {
    token: org.users.radiologist.accessToken,
    body: JSON.stringify({ text: 'No acute findings. Exportable report.', status: 'draft' }),
  });
  expect(report.status).toBe(200);
  const share = await postJson(
    '/v1/shares',
    { studyInstanceUid: reportStudy, recipientEmail: RECIPIENT, scope: 'view' },
    org.users.administrator.accessToken,
  );
  expect(share.status).toBe(201);
  const ticket = await postJson(
    '/v1/support/tickets',
    { subject: 'Export question', message: 'How do we take all our data with us?' },
    technologist,
  );
  expect(ticket.status).toBe(201);

  const config = localConfig();
  exportsBucket = LOCAL_EXPORTS_BUCKET;
  s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  });
}, 180_000);

afterAll(() => s3?.destroy());

describe('export everything over HTTPS, through the Step Functions workflow', () => {
  it('[PP-06] only members holding the export permission may export', async () => {
    for (const role of ['clinician', 'technologist', 'radiologist'] as const) {
      expect((await startExport(org.users[role].accessToken)).status).toBe(403);
    }
  });

  it('[PP-14] archives every instance with its data set unchanged, every manifest hash matches, nothing of another organization', async () => {
    const admin = org.users.administrator.accessToken;
    const started = await startExport(admin);
    expect(started.status).toBe(202);
    const { exportId } = started.json().export;
    // A second click returns the running export rather than starting another.
    const again = await startExport(admin);
    expect([200, 202]).toContain(again.status);
    if (again.status === 200) expect(again.json().export.exportId).toBe(exportId);

    const done = await finished(admin, exportId);
    expect(done).toMatchObject({ status: 'succeeded', failure: null });
    expect(done.progress.itemsDone).toBe(done.progress.itemsTotal);
    expect(done.progress.bytesDone).toBe(done.progress.bytesTotal);
    expect(done.parts.length).toBeGreaterThan(1);
    // Another organization sees nothing of it.
    expect((await exportStatus(other.users.administrator.accessToken, exportId)).status).toBe(404);
    expect(
      (await callApi('GET', done.parts[0].downloadUrl, { token: other.users.administrator.accessToken }))
        .status,
    ).toBe(404);

    // Without Accept: JSON, the part route redirects to the short-lived S3 URL.
    const redirect = await callApi('GET', done.parts[0].downloadUrl, { token: admin });
    expect(redirect.status).toBe(303);
    expect(String(redirect.headers.location)).toMatch(/X-Amz-Expires=60/);

    const parts = await downloadParts(admin, done);
    const files = new Map<string, ManifestFile>();
    const contents = new Map<string, Buffer>();
    for (const [index, bytes] of parts.entries()) {
      const zip = await JSZip.loadAsync(bytes);
      const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string'));
      expect(manifest.part).toBe(index + 1);
      for (const file of manifest.files as ManifestFile[]) {
        const content = Buffer.from(await (zip.file(file.path) as JSZip.JSZipObject).async('uint8array'));
        expect({ path: file.path, sha256: sha256(content), size: content.length }).toEqual({
          path: file.path,
          sha256: file.sha256,
          size: file.sizeBytes,
        });
        files.set(`${index}:${file.path}`, file);
        contents.set(`${index}:${file.path}`, content);
      }
      // Nothing of the other organization, in any byte of any part.
      expect(bytes.includes(Buffer.from('Foreign^Patient'))).toBe(false);
      expect(bytes.includes(Buffer.from('FOREIGN-PID'))).toBe(false);
      expect(bytes.includes(Buffer.from(other.users.administrator.email))).toBe(false);
    }
    const entries = [...files.entries()];
    const dicom = entries.filter(([, file]) => file.kind === 'dicom');
    expect(dicom).toHaveLength(uploaded.size);
    for (const [key, file] of dicom) {
      const original = uploaded.get(file.sopInstanceUid as string) as Buffer;
      const keptOriginal = entries.find(
        ([, other]) => other.kind === 'dicom-original' && other.sopInstanceUid === file.sopInstanceUid,
      );
      if (keptOriginal) {
        // Edited: the current version carries the edit, the stored original is kept beside it unchanged.
        expect(dataSet(contents.get(keptOriginal[0]) as Buffer).equals(dataSet(original))).toBe(true);
        expect((contents.get(key) as Buffer).includes(Buffer.from('Right^Name'))).toBe(true);
      } else {
        expect(dataSet(contents.get(key) as Buffer).equals(dataSet(original))).toBe(true);
      }
    }
    expect(entries.filter(([, file]) => file.kind === 'dicom-original')).toHaveLength(3);
    expect(entries.filter(([, file]) => file.kind === 'rendering').length).toBeGreaterThanOrEqual(5);

    // Part 1 holds the spreadsheets, each as XLSX and CSV, with what the other contexts keep.
    const sheet = (name: string) => contents.get(`0:spreadsheets/${name}`)?.toString('utf8') ?? '';
    for (const name of [
      'patients',
      'studies',
      'series',
      'instances',
      'reports',
      'users',
      'audit-log',
      'shares',
      'support-tickets',
    ]) {
      expect(files.has(`0:spreadsheets/${name}.xlsx`)).toBe(true);
      expect(files.has(`0:spreadsheets/${name}.csv`)).toBe(true);
    }
    expect(sheet('users.csv')).toContain(org.users.clinician.email);
    expect(sheet('reports.csv')).toContain('Exportable report');
    expect(sheet('shares.csv')).toContain(RECIPIENT);
    expect(sheet('edit-history.csv')).toContain('name typed wrong at the modality');
    expect(sheet('patients.csv')).toContain('Müller^Zoë');
    expect(sheet('audit-log.csv').split('\n').length).toBeGreaterThan(10);
    expect(files.has('0:README.md')).toBe(true);

    // Requested, written and each part downloaded: all in the organization's trail as DICOM Export.
    const audit = await callApi('GET', '/v1/audit-events?limit=1000', { token: admin });
    const events = (audit.json().events as { event: string; eventId: { code: string } }[]).filter((record) =>
      record.event.startsWith('export-'),
    );
    for (const event of ['export-requested', 'export-completed', 'export-downloaded']) {
      expect(events.find((record) => record.event === event)?.eventId.code).toBe('110106');
    }
    // The requester is mailed a link to the console, not to the files.
    const mail = (await sentMail()).filter((sent) =>
      sent.destination.to.includes(org.users.administrator.email),
    );
    const ready = mail.find((sent) => sent.subject.includes('export'));
    expect(ready?.body.text).toContain(`/console/#/exports/${exportId}`);
    expect(ready?.body.text).not.toContain('X-Amz');
    // The workflow's plan is gone; the parts stay until the bucket's 7-day rule.
    expect(await objectsUnder(`work/${exportId}/`)).toEqual([]);
  }, 180_000);

  it('a cancelled export leaves no readable part', async () => {
    const admin = org.users.administrator.accessToken;
    const started = await startExport(admin);
    expect([200, 202]).toContain(started.status);
    const { exportId } = started.json().export;
    const cancelled = await callApi('DELETE', `/v1/exports/${exportId}`, { token: admin });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json().export.status).toBe('cancelled');
    await sleep(3_000);
    expect((await exportStatus(admin, exportId)).json().export).toMatchObject({
      status: 'cancelled',
      parts: [],
    });
    expect(await objectsUnder(`exports/${exportId}/`)).toEqual([]);
    expect(
      (
        await callApi('GET', `/v1/exports/${exportId}/parts/1`, {
          token: admin,
          headers: { accept: 'application/json' },
        })
      ).status,
    ).toBe(404);
  }, 60_000);

  it('a step that keeps failing fails the export cleanly, and a new export then succeeds', async () => {
    const failing = await freshOrganization('export-failing');
    const token = failing.users.technologist.accessToken;
    const study = testUid();
    const file = ctInstance({ studyInstanceUid: study });
    expect((await stow(token, [file])).status).toBe(200);
    const storage = localImagingStorage();
    const key = await storage.objectKeyOf(failing.orgId, study, sopOf(file));
    const config = localConfig();
    // The stored copy disappears: every attempt of the step fails.
    const imaging = new S3Client({
      endpoint: config.endpoints.s3,
      region: config.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
    });
    const stored = await fetchObject(imaging, config.imagingBucket, key);
    await imaging.send(new DeleteObjectCommand({ Bucket: config.imagingBucket, Key: key }));
    const admin = failing.users.administrator.accessToken;
    const first = (await startExport(admin)).json().export.exportId;
    const failed = await finished(admin, first);
    expect(failed).toMatchObject({ status: 'failed', failure: 'export-step-failed', parts: [] });
    expect(await objectsUnder(`exports/${first}/`)).toEqual([]);
    await imaging.send(new PutObjectCommand({ Bucket: config.imagingBucket, Key: key, Body: stored }));
    const second = await startExport(admin);
    expect(second.status).toBe(202);
    expect((await finished(admin, second.json().export.exportId)).status).toBe('succeeded');
    imaging.destroy();
    storage.close();
  }, 120_000);
});

async function fetchObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}
