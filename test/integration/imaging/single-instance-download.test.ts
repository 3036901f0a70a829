import { REDIRECT_INSTANCE_BYTES } from '../../../functions/imaging/http/retrieve-instances';
import { ctInstance, multiFrameInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow, stowBody } from '../../support/stow';
import { untilFinished, uploadThroughSession } from '../../support/upload-session-client';

let org: TestOrganization;
let other: TestOrganization;
const small = { study: testUid(), series: testUid(), sop: testUid() };
const large = { study: testUid(), series: testUid(), sop: testUid() };
const editedLarge = { study: testUid(), series: testUid(), sop: testUid() };
const files = new Map<string, Buffer>();
/** The data set as stored: the 128-byte preamble is zeroed on ingest, everything after it is kept. */
const dataSet = (bytes: Buffer) => bytes.subarray(128);
const path = (ids: { study: string; series: string; sop: string }) =>
  `/dicomweb/studies/${ids.study}/series/${ids.series}/instances/${ids.sop}`;
const get = (token: string, ids: { study: string; series: string; sop: string }, accept: string) =>
  callApi('GET', path(ids), { token, headers: { accept } });

/** A multi-frame CT over the 6 MB Lambda streams at full speed. */
const bigFile = (ids: { study: string; series: string; sop: string }) =>
  multiFrameInstance({
    studyInstanceUid: ids.study,
    seriesInstanceUid: ids.series,
    sopInstanceUid: ids.sop,
    rows: 512,
    columns: 512,
    frames: 14,
  });

beforeAll(async () => {
  [org, other] = await Promise.all([
    freshOrganization('single-part'),
    freshOrganization('single-part-other'),
  ]);
  const token = org.users.technologist.accessToken;
  const smallFile = ctInstance({
    studyInstanceUid: small.study,
    seriesInstanceUid: small.series,
    sopInstanceUid: small.sop,
  });
  expect((await stow(token, [smallFile])).status).toBe(200);
  files.set(small.sop, smallFile);
  for (const ids of [large, editedLarge]) {
    const file = bigFile(ids);
    expect(file.length).toBeGreaterThan(REDIRECT_INSTANCE_BYTES);
    expect(sopOf(file)).toBe(ids.sop);
    const { created, completed } = await uploadThroughSession(token, stowBody([file]));
    expect(completed.status).toBe(202);
    expect((await untilFinished(token, created.sessionId)).json().counts).toMatchObject({ stored: 1 });
    files.set(ids.sop, file);
  }
  const edit = await callApi('PATCH', `/v1/studies/${editedLarge.study}`, {
    token,
    body: JSON.stringify({ changes: { PatientName: 'Edited^Large' }, reason: 'wrong patient name' }),
  });
  expect(edit.status).toBe(200);
}, 120_000);

describe('single-part instance retrieval (Accept: application/dicom)', () => {
  it('streams a small instance bare, data set unchanged', async () => {
    const response = await get(org.users.clinician.accessToken, small, 'application/dicom');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(
      /^application\/dicom; transfer-syntax=1\.2\.840\.10008\.1\.2\.1$/,
    );
    expect(dataSet(response.bytes).equals(dataSet(files.get(small.sop) as Buffer))).toBe(true);
  });

  it('[PP-18] hands a large instance to storage: audited first, then a 303 to a 60-second presigned URL serving the file', async () => {
    const response = await get(org.users.clinician.accessToken, large, 'application/dicom');
    expect(response.status).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/X-Amz-Expires=60/);
    expect(response.bytes.length).toBe(0);
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    const bytes = Buffer.from(await fetched.arrayBuffer());
    expect(dataSet(bytes).equals(dataSet(files.get(large.sop) as Buffer))).toBe(true);
    const audit = await callApi('GET', '/v1/audit-events?limit=200', {
      token: org.users.administrator.accessToken,
    });
    const record = (
      audit.json().events as { route: string; reason: string | null; objects: { id: string }[] }[]
    ).find(
      (event) =>
        event.objects.some((object) => object.id === large.sop) && event.reason?.includes('presigned'),
    );
    expect(record?.route).toBe('GET /dicomweb/studies/{study}/series/{series}/instances/{instance}');
  });

  it('streams an edited large instance (storage does not hold the edit)', async () => {
    const response = await get(org.users.clinician.accessToken, editedLarge, 'application/dicom');
    expect(response.status).toBe(200);
    expect(response.bytes.includes(Buffer.from('Edited^Large'))).toBe(true);
    expect(response.bytes.length).toBeGreaterThan(REDIRECT_INSTANCE_BYTES);
  });

  it('keeps multipart/related for clients that ask for it (or for anything)', async () => {
    for (const accept of ['multipart/related; type="application/dicom"', '*/*']) {
      const response = await get(org.users.clinician.accessToken, large, accept);
      expect(response.status).toBe(200);
      expect(String(response.headers['content-type'])).toMatch(/^multipart\/related/);
    }
  });

  it('[PP-07] answers another organization exactly as a missing instance, with no URL', async () => {
    const response = await get(other.users.clinician.accessToken, large, 'application/dicom');
    expect(response.status).toBe(404);
    expect(response.headers.location).toBeUndefined();
  });

  it('refuses a transfer syntax other than the stored one for a bare instance', async () => {
    const response = await get(
      org.users.clinician.accessToken,
      large,
      'application/dicom; transfer-syntax=1.2.840.10008.1.2.4.90',
    );
    expect(response.status).toBe(406);
  });
});
