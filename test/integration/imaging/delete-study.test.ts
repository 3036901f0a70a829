import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { localImagingStorage } from '../../support/local-imaging';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

let org: TestOrganization;
let other: TestOrganization;
const storage = localImagingStorage();
const study = testUid();
const series = testUid();
const files = [1, 2].map(() =>
  ctInstance({ studyInstanceUid: study, seriesInstanceUid: series, patientId: 'PID-DELETE-1' }),
);
const remove = (token: string, uid = study) => callApi('DELETE', `/dicomweb/studies/${uid}`, { token });

beforeAll(async () => {
  org = await freshOrganization('delete-study');
  other = await freshOrganization('delete-study-other');
  const stored = await stow(org.users.technologist.accessToken, files);
  expect(stored.status).toBe(200);
});

afterAll(() => storage.close());

describe('study deletion over HTTPS', () => {
  it('[PP-06] refuses every role without the delete permission, and answers another organization as missing', async () => {
    expect((await remove(org.users.clinician.accessToken)).status).toBe(403);
    expect((await remove(org.users.technologist.accessToken)).status).toBe(403);
    expect((await remove(org.users.radiologist.accessToken)).status).toBe(403);
    expect((await remove(other.users.administrator.accessToken)).status).toBe(404);

    const still = await callApi('GET', `/dicomweb/studies/${study}/metadata`, {
      token: org.users.radiologist.accessToken,
    });
    expect(still.status).toBe(200);
  });

  it('[PP-18] removes the study from search and retrieval, keeps its objects for restore, and records who deleted what', async () => {
    const keys = await Promise.all(files.map((file) => storage.objectKeyOf(org.orgId, study, sopOf(file))));
    expect(await Promise.all(keys.map((key) => storage.objectExists(key)))).toEqual([true, true]);
    const token = org.users.radiologist.accessToken;

    const deleted = await remove(org.users.administrator.accessToken);

    expect(deleted.status).toBe(204);
    // Recoverable: the objects stay until the scheduled purge (recoverable-deletes.test.ts).
    expect(await Promise.all(keys.map((key) => storage.objectExists(key)))).toEqual([true, true]);
    const found = await callApi('GET', `/dicomweb/studies?StudyInstanceUID=${study}`, { token });
    expect(found.json()).toEqual([]);
    expect((await callApi('GET', `/dicomweb/studies/${study}/series`, { token })).status).toBe(404);
    expect((await callApi('GET', `/dicomweb/studies/${study}/metadata`, { token })).status).toBe(404);
    const instance = `/dicomweb/studies/${study}/series/${series}/instances/${sopOf(files[0] as Buffer)}`;
    expect((await callApi('GET', instance, { token })).status).toBe(404);
    expect((await remove(org.users.administrator.accessToken)).status).toBe(404);

    const audit = await callApi('GET', `/v1/audit-events?action=D&studyUid=${study}`, {
      token: org.users.administrator.accessToken,
    });
    const events = audit.json().events as { httpStatus: number }[];
    expect(events.map((event) => event.httpStatus)).toEqual([204, 404]);
    expect(events[0]).toMatchObject({
      event: 'study-deleted',
      eventId: expect.objectContaining({ code: '110105' }),
      action: 'D',
      outcome: 0,
      actor: expect.objectContaining({ userId: org.users.administrator.userId }),
      objects: expect.arrayContaining([
        { type: 'study', id: study },
        { type: 'patient', id: 'PID-DELETE-1' },
      ]),
    });
    // The three refused attempts are in the trail as denials of that route.
    const denied = await callApi('GET', '/v1/audit-events?outcome=4&limit=1000', {
      token: org.users.administrator.accessToken,
    });
    const refusals = (denied.json().events as { route: string; httpStatus: number }[]).filter(
      (event) => event.route === 'DELETE /dicomweb/studies/{study}' && event.httpStatus === 403,
    );
    expect(refusals).toHaveLength(3);
  });
});
