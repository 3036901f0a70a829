import { createHash } from 'node:crypto';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const seriesA = testUid();
const seriesB = testUid();
/** Jane Doe's CT study: two instances in series A, one in series B. */
const janeDoe = (series: string) =>
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: series,
    patientId: 'PID-7781',
    patientName: 'Doe^Jane',
    studyDate: '20261101',
  });
const files = [janeDoe(seriesA), janeDoe(seriesA), janeDoe(seriesB)];
const uidOf = (file: Buffer) => /(2\.25\.\d+)/.exec(file.subarray(132, 400).toString('latin1'))?.[1] ?? '';

beforeAll(async () => {
  org = await freshOrganization('dicomweb');
  other = await freshOrganization('dicomweb-other');
});

describe('DICOMweb over HTTPS', () => {
  it('STOW-RS stores valid instances and names each refused part with its reason', async () => {
    const hostile = Buffer.concat([Buffer.from('MZ'), ctInstance().subarray(2)]);

    const response = await stow(org.users.technologist.accessToken, [...files, hostile]);

    expect(response.status).toBe(202);
    expect(response.headers['content-type']).toContain('application/dicom+json');
    const body = response.json();
    expect(body['00081199'].Value).toHaveLength(3);
    expect(body['00081198'].Value).toEqual([
      expect.objectContaining({ '00081197': { vr: 'US', Value: [0xc000] } }),
    ]);
  });

  it('[PP-06] refuses uploads from a role without the upload permission', async () => {
    expect((await stow(org.users.clinician.accessToken, [ctInstance()])).status).toBe(403);
  });

  it('acknowledges an identical resend and refuses different content under a stored UID', async () => {
    const again = await stow(org.users.technologist.accessToken, [files[0] as Buffer]);
    const impostor = ctInstance({
      studyInstanceUid: study,
      seriesInstanceUid: seriesA,
      sopInstanceUid: uidOf(files[0] as Buffer),
      patientId: 'OTHER',
    });

    const conflicting = await stow(org.users.technologist.accessToken, [impostor]);

    expect(again.status).toBe(200);
    expect(String(again.headers.warning)).toMatch(/^299 PACScribe "1 instance\(s\) were already stored/);
    const [item] = again.json()['00081199'].Value;
    expect(item['00081190'].Value[0]).toMatch(
      new RegExp(
        `^https://[^/]+/dicomweb/studies/${study}/series/${seriesA}/instances/${uidOf(files[0] as Buffer)}$`,
      ),
    );
    expect(conflicting.status).toBe(409);
    expect(conflicting.headers.warning).toBeUndefined();
  });

  it('QIDO-RS finds the study by PatientID, date range and name wildcard, with counts', async () => {
    const token = org.users.clinician.accessToken;
    const byPatient = await callApi('GET', '/dicomweb/studies?PatientID=PID-7781', { token });
    const byDate = await callApi('GET', '/dicomweb/studies?StudyDate=20261001-20261130', { token });
    const byName = await callApi('GET', '/dicomweb/studies?PatientName=doe*&fuzzymatching=false', { token });
    const byTag = await callApi('GET', `/dicomweb/studies?0020000D=${study}`, { token });
    const none = await callApi('GET', '/dicomweb/studies?StudyDate=19990101-19991231', { token });

    for (const response of [byPatient, byDate, byName, byTag]) {
      expect(response.status).toBe(200);
      const [match] = response.json();
      expect(match['0020000D'].Value).toEqual([study]);
      expect(match['00100010'].Value).toEqual([{ Alphabetic: 'Doe^Jane' }]);
      expect(match['00201206'].Value).toEqual([2]);
      expect(match['00201208'].Value).toEqual([3]);
      expect(match['00080061'].Value).toEqual(['CT']);
    }
    expect(none.json()).toEqual([]);
  });

  it('QIDO-RS signals a truncated result', async () => {
    await stow(org.users.technologist.accessToken, [
      ctInstance({ patientId: 'PID-7781', studyDate: '20261102' }),
    ]);

    const response = await callApi('GET', '/dicomweb/studies?PatientID=PID-7781&limit=1', {
      token: org.users.clinician.accessToken,
    });

    expect(response.json()).toHaveLength(1);
    expect(response.headers.warning).toContain('299');
  });

  it('QIDO-RS lists series and instances', async () => {
    const token = org.users.radiologist.accessToken;
    const series = await callApi('GET', `/dicomweb/studies/${study}/series`, { token });
    const instances = await callApi('GET', `/dicomweb/studies/${study}/series/${seriesA}/instances`, {
      token,
    });

    expect(
      series
        .json()
        .map((item: Record<string, { Value: string[] }>) => item['0020000E']?.Value[0])
        .sort(),
    ).toEqual([seriesA, seriesB].sort());
    expect(instances.json()).toHaveLength(2);
  });

  it('WADO-RS returns the stored instance byte for byte, and 406 for a transfer syntax it does not offer', async () => {
    const file = files[0] as Buffer;
    const path = `/dicomweb/studies/${study}/series/${seriesA}/instances/${uidOf(file)}`;

    const response = await callApi('GET', path, { token: org.users.clinician.accessToken });
    const jpeg = await callApi('GET', path, {
      token: org.users.clinician.accessToken,
      headers: {
        accept: 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50',
      },
    });

    expect(response.status).toBe(200);
    const parts = readMultipartRelated(
      response.bytes,
      String(response.headers['content-type']),
      'application/dicom',
    );
    expect(parts).toHaveLength(1);
    expect(sha(parts[0]?.body as Buffer)).toBe(sha(file));
    expect(jpeg.status).toBe(406);
  });

  it('WADO-RS metadata: every instance of a series or study as DICOM JSON, prepared at ingest', async () => {
    const token = org.users.clinician.accessToken;

    const series = await callApi('GET', `/dicomweb/studies/${study}/series/${seriesA}/metadata`, { token });
    const whole = await callApi('GET', `/dicomweb/studies/${study}/metadata`, { token });

    expect(series.status).toBe(200);
    expect(series.headers['content-type']).toContain('application/dicom+json');
    const instances = series.json();
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance['0020000D'].Value).toEqual([study]);
      expect(instance['0020000E'].Value).toEqual([seriesA]);
      expect(instance['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] });
      expect(instance['00280010']).toEqual({ vr: 'US', Value: [32] });
      // Pixel data is bulk data: named by a URI, never inlined.
      expect(instance['7FE00010']).toEqual({
        vr: 'OW',
        BulkDataURI: expect.stringMatching(/^https:\/\/[^/]+\/dicomweb\/studies\/.+\/bulkdata\/7FE00010$/),
      });
      expect(JSON.stringify(instance)).not.toContain('_rawValue');
    }
    expect(whole.json()).toHaveLength(3);
  });

  it('[PP-07] another organization sees nothing: no study, no instance', async () => {
    const token = other.users.administrator.accessToken;
    const file = files[0] as Buffer;

    const search = await callApi('GET', `/dicomweb/studies?StudyInstanceUID=${study}`, { token });
    const retrieve = await callApi(
      'GET',
      `/dicomweb/studies/${study}/series/${seriesA}/instances/${uidOf(file)}`,
      { token },
    );
    const series = await callApi('GET', `/dicomweb/studies/${study}/series`, { token });
    const metadata = await callApi('GET', `/dicomweb/studies/${study}/metadata`, { token });

    expect(metadata.status).toBe(404);
    expect(search.json()).toEqual([]);
    expect(retrieve.status).toBe(404);
    expect(series.status).toBe(404);
  });

  it('refuses path-like UIDs in the path with 400', async () => {
    const response = await callApi('GET', '/dicomweb/studies/1.2.3/series/..%2F..%2Fetc/instances', {
      token: org.users.clinician.accessToken,
    });

    expect(response.status).toBe(400);
  });

  it('[PP-18] audits stores, queries and retrievals with the study and patient they touched', async () => {
    const events = await callApi('GET', `/v1/audit-events?studyUid=${study}&limit=1000`, {
      token: org.users.administrator.accessToken,
    });

    const names = new Set(events.json().events.map((event: { event: string }) => event.event));
    expect(names).toEqual(
      new Set(['instances-stored', 'studies-queried', 'instances-retrieved', 'metadata-retrieved']),
    );
    const byPatient = await callApi('GET', '/v1/audit-events?patientId=PID-7781&limit=1000', {
      token: org.users.administrator.accessToken,
    });
    expect(byPatient.json().events.length).toBeGreaterThan(0);
  });
});
