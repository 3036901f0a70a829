import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import JSZip from 'jszip';
import { readPart10 } from '../../../functions/imaging/core/part10';
import { multiFrameInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { localTables } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The data set: what PACScribe keeps unchanged (the 128-byte preamble is zeroed on ingest). */
const dataSet = (file: Uint8Array) => Buffer.from(file).subarray(128);

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const uploaded = new Map<string, Buffer>();

interface ManifestFile {
  path: string;
  sha256: string;
  kind: string;
  sopInstanceUid?: string;
}

beforeAll(async () => {
  [org, other] = await Promise.all([freshOrganization('archive'), freshOrganization('archive-other')]);
  // Three multi-frame CTs of ~1.5 MB in two series: with the suite's 1 MiB parts, the archive spans parts.
  const series = [testUid(), testUid()];
  for (let index = 0; index < 3; index += 1) {
    const file = multiFrameInstance({
      studyInstanceUid: study,
      seriesInstanceUid: series[index % 2] as string,
      sopInstanceUid: testUid(),
      rows: 256,
      columns: 256,
      frames: 12,
    });
    expect((await stow(org.users.technologist.accessToken, [file])).status).toBe(200);
    uploaded.set(readPart10(file).sopInstanceUid, file);
  }
}, 120_000);

async function prepared(token: string, archiveId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await callApi('GET', `/v1/study-archives/${archiveId}`, { token });
    expect(response.status).toBe(200);
    const current = response.json().export;
    if (current.status !== 'running') return current;
    if (Date.now() > deadline) throw new Error(`study archive ${archiveId} still running`);
    await sleep(250);
  }
}

describe('a whole study as a prepared archive, served from S3', () => {
  it('[PP-14] prepares the study as ZIP parts a radiologist downloads through audited 60-second redirects, every file as stored', async () => {
    const token = org.users.radiologist.accessToken;
    const started = await callApi('POST', `/v1/studies/${study}/archive`, { token });
    expect(started.status).toBe(202);
    expect(started.json().export.scope).toEqual({ kind: 'study', studyInstanceUid: study });
    const archiveId = started.json().export.exportId as string;
    // Asked again while it runs: the same archive, not a second one.
    const again = await callApi('POST', `/v1/studies/${study}/archive`, { token });
    expect([200, 202]).toContain(again.status);
    if (again.status === 200) expect(again.json().export.exportId).toBe(archiveId);

    const done = await prepared(token, archiveId);
    expect(done.status).toBe('succeeded');
    expect(done.parts.length).toBeGreaterThanOrEqual(2);

    const written = new Map<string, Buffer>();
    for (const part of done.parts as { downloadUrl: string; sha256: string }[]) {
      expect(part.downloadUrl).toMatch(new RegExp(`^/v1/study-archives/${archiveId}/parts/\\d+$`));
      const redirect = await callApi('GET', part.downloadUrl, { token });
      expect(redirect.status).toBe(303);
      const location = String(redirect.headers.location);
      expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('60');
      const body = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(sha256(body)).toBe(part.sha256);
      const zip = await JSZip.loadAsync(body);
      const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string')) as {
        files: ManifestFile[];
      };
      // DICOM files only: no renderings, no spreadsheets.
      expect(new Set(manifest.files.map((file) => file.kind))).toEqual(new Set(['readme', 'dicom']));
      for (const file of manifest.files.filter((candidate) => candidate.kind === 'dicom')) {
        const bytes = Buffer.from(await (zip.file(file.path) as JSZip.JSZipObject).async('uint8array'));
        expect(sha256(bytes)).toBe(file.sha256);
        written.set(file.sopInstanceUid as string, bytes);
      }
    }
    expect([...written.keys()].sort()).toEqual([...uploaded.keys()].sort());
    for (const [sop, file] of uploaded)
      expect(dataSet(written.get(sop) as Buffer).equals(dataSet(file))).toBe(true);

    // Each download was recorded as a DICOM Export before its URL was issued.
    const records = await localTables().auditRecords(org.orgId);
    const downloads = records.filter(
      (record) =>
        record.event === 'export-downloaded' &&
        record.route === 'GET /v1/study-archives/{archiveId}/parts/{part}',
    );
    expect(downloads).toHaveLength(done.parts.length);
  });

  it("[PP-18] answers another member's archive, another organization's study and a malformed id as not found", async () => {
    const started = await callApi('POST', `/v1/studies/${study}/archive`, {
      token: org.users.administrator.accessToken,
    });
    expect([200, 202]).toContain(started.status);
    const archiveId = started.json().export.exportId as string;
    for (const token of [org.users.clinician.accessToken, other.users.administrator.accessToken]) {
      expect((await callApi('GET', `/v1/study-archives/${archiveId}`, { token })).status).toBe(404);
      expect((await callApi('GET', `/v1/study-archives/${archiveId}/parts/1`, { token })).status).toBe(404);
    }
    const foreign = await callApi('POST', `/v1/studies/${study}/archive`, {
      token: other.users.administrator.accessToken,
    });
    expect(foreign.status).toBe(404);
    expect(
      (await callApi('GET', '/v1/study-archives/not-an-id', { token: org.users.administrator.accessToken }))
        .status,
    ).toBe(404);
    await prepared(org.users.administrator.accessToken, archiveId);
  });
});
