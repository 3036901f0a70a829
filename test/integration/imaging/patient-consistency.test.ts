import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

let org: TestOrganization;

const studyRecord = async (study: string): Promise<DicomJson | undefined> => {
  const found = await callApi('GET', `/dicomweb/studies?StudyInstanceUID=${study}`, {
    token: org.users.radiologist.accessToken,
    headers: { accept: 'application/dicom+json' },
  });
  return (found.json() as DicomJson[])[0];
};
const failureReasons = (body: Record<string, { Value: Record<string, { Value: number[] }>[] }>) =>
  body['00081198']?.Value.map((item) => item['00081197']?.Value[0]);

beforeAll(async () => {
  org = await freshOrganization('patient-consistency');
});

describe('a study holds one patient (STOW-RS through the DynamoDB index)', () => {
  it('refuses a later instance of the study naming another patient, and still stores one naming the same', async () => {
    const token = org.users.technologist.accessToken;
    const [study, series] = [testUid(), testUid()];
    const instance = (patientId: string, patientName: string) =>
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: series, patientId, patientName });

    const first = await stow(token, [instance('PID-PC-1', 'Doe^Jane')]);
    const intruder = await stow(token, [instance('PID-PC-2', 'Roe^Rick')]);
    const same = await stow(token, [instance('PID-PC-1', 'DOE^JANE^^')]);

    expect(first.status).toBe(200);
    expect(intruder.status).toBe(409);
    expect(failureReasons(intruder.json())).toEqual([0xa900]);
    expect(same.status).toBe(200);
    const record = await studyRecord(study);
    expect(record?.['00100020']?.Value).toEqual(['PID-PC-1']);
    expect(record?.['00201208']?.Value).toEqual([2]);
  });

  it('keeps one patient when the first two instances of a study, of different patients, arrive at once', async () => {
    const token = org.users.technologist.accessToken;
    const [study, series] = [testUid(), testUid()];
    const instance = (patientId: string) =>
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: series, patientId });

    const results = await Promise.all([
      stow(token, [instance('PID-RACE-1')]),
      stow(token, [instance('PID-RACE-2')]),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const record = await studyRecord(study);
    const winner = results[0]?.status === 200 ? 'PID-RACE-1' : 'PID-RACE-2';
    expect(record?.['00100020']?.Value).toEqual([winner]);
    expect(record?.['00201208']?.Value).toEqual([1]);
  });
});
