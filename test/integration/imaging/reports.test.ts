import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();

const put = (token: string, body: unknown, uid = study) =>
  callApi('PUT', `/v1/studies/${uid}/report`, { token, body: JSON.stringify(body) });
const read = (token: string, path = '') => callApi('GET', `/v1/studies/${study}/report${path}`, { token });

beforeAll(async () => {
  org = await freshOrganization('reports');
  other = await freshOrganization('reports-other');
  expect(
    (await stow(org.users.technologist.accessToken, [ctInstance({ studyInstanceUid: study })])).status,
  ).toBe(200);
});

describe('radiology reports over HTTPS', () => {
  it('[PP-06] lets radiologists write reports, not administrators, technologists or clinicians by default', async () => {
    const draft = { text: 'No acute findings.', status: 'draft' };
    for (const role of ['administrator', 'technologist', 'clinician'] as const) {
      expect((await put(org.users[role].accessToken, draft)).status).toBe(403);
    }
    expect((await read(org.users.clinician.accessToken)).status).toBe(404);
    expect((await put(org.users.radiologist.accessToken, draft)).status).toBe(200);
  });

  it('answers another organization’s study, and a study without a report, as missing', async () => {
    const foreign = other.users.radiologist.accessToken;
    expect((await put(foreign, { text: 'x', status: 'draft' })).status).toBe(404);
    expect((await read(foreign)).status).toBe(404);
    expect(
      (await put(org.users.radiologist.accessToken, { text: 'x', status: 'draft' }, testUid())).status,
    ).toBe(404);
  });

  it('versions drafts, the final report and its amendments; a final report is only amended, with a reason', async () => {
    const token = org.users.radiologist.accessToken;
    const final = await put(token, { text: 'Impression: normal chest CT.', status: 'final' });
    expect(final.json()).toMatchObject({ version: 2, status: 'final', amended: false });

    const noReason = await put(token, { text: 'Impression: nodule.', status: 'final' });
    expect(noReason.status).toBe(400);
    const backToDraft = await put(token, { text: 'Impression: nodule.', status: 'draft', reason: 'r' });
    expect(backToDraft.status).toBe(409);

    const amended = await put(token, {
      text: 'Impression: 4 mm nodule, right upper lobe.',
      status: 'final',
      reason: 'Second read found a nodule',
    });
    expect(amended.status).toBe(200);
    expect(amended.json()).toMatchObject({ version: 3, amended: true, reason: 'Second read found a nodule' });

    const current = await read(org.users.clinician.accessToken);
    expect(current.json()).toMatchObject({
      study,
      version: 3,
      text: 'Impression: 4 mm nodule, right upper lobe.',
      author: { userId: org.users.radiologist.userId, role: 'radiologist' },
    });
    const versions = (await read(org.users.clinician.accessToken, '/versions')).json().versions;
    expect(
      versions.map((version: { version: number; status: string }) => [version.version, version.status]),
    ).toEqual([
      [1, 'draft'],
      [2, 'final'],
      [3, 'final'],
    ]);
    expect(versions[1].text).toBe('Impression: normal chest CT.');

    const audit = await callApi('GET', `/v1/audit-events?studyUid=${study}&action=U&limit=100`, {
      token: org.users.administrator.accessToken,
    });
    const written = (
      audit.json().events as { event: string; httpStatus: number; reason: string | null }[]
    ).filter((event) => event.event === 'report-written' && event.httpStatus === 200);
    expect(written.map((event) => event.reason)).toContain('Second read found a nodule');
  });
});
