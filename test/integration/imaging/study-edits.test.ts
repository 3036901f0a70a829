import dcmjs from 'dcmjs';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import { ctInstance, testUid } from '../../support/dicom-files';
import { type ApiResponse, callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const series = testUid();
const secondSeries = testUid();
const files = [
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: series,
    patientId: 'PID-EDIT-1',
    patientName: 'Wrong^Name',
  }),
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: secondSeries,
    patientId: 'PID-EDIT-1',
    patientName: 'Wrong^Name',
  }),
];

const patch = (token: string, body: unknown, path = `/v1/studies/${study}`) =>
  callApi('PATCH', path, { token, body: JSON.stringify(body) });
const get = (token: string, path: string, accept?: string) =>
  callApi('GET', path, { token, ...(accept ? { headers: { accept } } : {}) });
const versionsOf = async (token: string) => (await get(token, `/v1/studies/${study}/versions`)).json();

/** The Part-10 files of a WADO-RS response, read back with dcmjs. */
function retrievedDatasets(response: ApiResponse): Record<string, unknown>[] {
  const parts = readMultipartRelated(
    response.bytes,
    String(response.headers['content-type']),
    'application/dicom',
    {
      maxParts: 100,
      maxPartBytes: 16 * 1024 * 1024,
      maxHeaderBytes: 8 * 1024,
    },
  );
  return parts.map((part) => {
    const bytes = Buffer.from(part.body);
    const { dict } = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    return (
      dcmjs.data.DicomMetaDictionary as unknown as { naturalizeDataset(d: unknown): Record<string, unknown> }
    ).naturalizeDataset(dict);
  });
}

beforeAll(async () => {
  org = await freshOrganization('study-edits');
  other = await freshOrganization('study-edits-other');
  const stored = await stow(org.users.technologist.accessToken, files);
  expect(stored.status).toBe(200);
});

describe('versioned metadata edits over HTTPS', () => {
  it('[PP-06] lets roles with the edit permission edit, and refuses the others', async () => {
    const body = { changes: { StudyDescription: 'CT CHEST W/O' }, reason: 'permission check' };
    expect((await patch(org.users.clinician.accessToken, body)).status).toBe(403);
    expect(
      (await patch(org.users.clinician.accessToken, body, `/v1/studies/${study}/series/${series}`)).status,
    ).toBe(403);
    expect(
      (
        await callApi('POST', `/v1/studies/${study}/versions/0/revert`, {
          token: org.users.clinician.accessToken,
          body: JSON.stringify({ reason: 'x' }),
        })
      ).status,
    ).toBe(403);
    expect((await versionsOf(org.users.clinician.accessToken)).currentVersion).toBe(0);
  });

  it('answers another organization’s study as missing and changes nothing', async () => {
    const response = await patch(other.users.technologist.accessToken, {
      changes: { PatientName: 'Intruder^X' },
      reason: 'foreign',
    });
    expect(response.status).toBe(404);
    expect(response.json().error.code).toBe('not_found');
    expect((await versionsOf(org.users.clinician.accessToken)).currentVersion).toBe(0);
  });

  it.each([
    [{ PatientsFavouriteColour: 'blue' }, 'attribute_not_editable'],
    [{ SOPClassUID: '1.2.3' }, 'uid_not_editable'],
    [{ StudyInstanceUID: testUid() }, 'uid_not_editable'],
    [{ AccessionNumber: 'X'.repeat(17) }, 'invalid_attribute_value'],
    [{ PatientBirthDate: '2026-02-30' }, 'invalid_attribute_value'],
    [{ PatientName: 'Good^Name', PatientSex: 'female' }, 'invalid_attribute_value'],
  ])('refuses %j with 400 %s and changes nothing', async (changes, code) => {
    const response = await patch(org.users.technologist.accessToken, { changes, reason: 'bad input' });
    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe(code);
    const metadata = await get(org.users.clinician.accessToken, `/dicomweb/studies/${study}/metadata`);
    expect(metadata.text).toContain('Wrong^Name');
    expect((await versionsOf(org.users.clinician.accessToken)).currentVersion).toBe(0);
  });

  it('[PP-18] shows an edit at once in search, metadata and retrieved files, keeps the original, and audits before/after', async () => {
    const token = org.users.technologist.accessToken;
    const edited = await patch(token, {
      changes: { PatientName: 'Right^Name', PatientID: 'PID-EDIT-2', AccessionNumber: 'ACC-77' },
      reason: 'Registered under the wrong patient at the modality',
    });
    expect(edited.status).toBe(200);
    expect(edited.json()).toMatchObject({
      study,
      currentVersion: 1,
      version: { version: 1, kind: 'edit', by: { userId: org.users.technologist.userId } },
    });

    const reader = org.users.clinician.accessToken;
    const byName = await get(reader, '/dicomweb/studies?PatientName=Right*');
    expect(
      byName.json().map((found: Record<string, { Value: string[] }>) => found['0020000D']?.Value[0]),
    ).toEqual([study]);
    expect((await get(reader, '/dicomweb/studies?PatientID=PID-EDIT-2')).json()).toHaveLength(1);
    expect((await get(reader, '/dicomweb/studies?PatientID=PID-EDIT-1')).json()).toEqual([]);
    const metadata = (await get(reader, `/dicomweb/studies/${study}/metadata`)).json();
    expect(metadata).toHaveLength(2);
    for (const dataset of metadata) {
      expect(dataset['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Right^Name' }] });
      expect(dataset['00080050']).toEqual({ vr: 'SH', Value: ['ACC-77'] });
    }
    const retrieved = retrievedDatasets(
      await get(
        reader,
        `/dicomweb/studies/${study}`,
        'multipart/related; type="application/dicom"; transfer-syntax=*',
      ),
    );
    expect(
      retrieved.map((dataset) => [dataset.PatientName, dataset.PatientID, dataset.AccessionNumber]),
    ).toEqual([
      [[{ Alphabetic: 'Right^Name' }], 'PID-EDIT-2', 'ACC-77'],
      [[{ Alphabetic: 'Right^Name' }], 'PID-EDIT-2', 'ACC-77'],
    ]);

    const audit = await callApi('GET', `/v1/audit-events?action=U&studyUid=${study}`, {
      token: org.users.administrator.accessToken,
    });
    const record = (audit.json().events as Record<string, unknown>[]).find(
      (event) => event.event === 'study-edited' && event.httpStatus === 200,
    );
    expect(record).toMatchObject({
      httpStatus: 200,
      reason: 'Registered under the wrong patient at the modality',
      changes: [
        { attribute: 'PatientName', before: 'Wrong^Name', after: 'Right^Name' },
        { attribute: 'PatientID', before: 'PID-EDIT-1', after: 'PID-EDIT-2' },
        { attribute: 'AccessionNumber', before: 'ACC-1', after: 'ACC-77' },
      ],
      objects: expect.arrayContaining([
        { type: 'study', id: study },
        { type: 'patient', id: 'PID-EDIT-1' },
        { type: 'patient', id: 'PID-EDIT-2' },
      ]),
    });
  });

  it('edits one series without touching the other', async () => {
    const token = org.users.radiologist.accessToken;
    const edited = await patch(
      token,
      { changes: { SeriesDescription: 'Lung window', SeriesNumber: 4 }, reason: 'series label' },
      `/v1/studies/${study}/series/${series}`,
    );
    expect(edited.status).toBe(200);
    const editedSeries = (await get(token, `/dicomweb/studies/${study}/series/${series}/metadata`)).json();
    expect(editedSeries[0]['0008103E']).toEqual({ vr: 'LO', Value: ['Lung window'] });
    const untouched = (await get(token, `/dicomweb/studies/${study}/series/${secondSeries}/metadata`)).json();
    expect(untouched[0]['0008103E']).toBeUndefined();
    const listed = (await get(token, `/dicomweb/studies/${study}/series?SeriesNumber=4`)).json();
    expect(listed.map((found: Record<string, { Value: string[] }>) => found['0020000E']?.Value[0])).toEqual([
      series,
    ]);
    expect(
      (
        await patch(
          token,
          { changes: { SeriesDescription: 'x' }, reason: 'r' },
          `/v1/studies/${study}/series/${testUid()}`,
        )
      ).status,
    ).toBe(404);
  });

  it('loses none of several concurrent edits: each is its own version', async () => {
    const token = org.users.technologist.accessToken;
    const before = (await versionsOf(token)).currentVersion as number;
    const edits = [
      { StudyDescription: 'Concurrent A' },
      { ReferringPhysicianName: 'Concurrent^B' },
      { StudyID: 'C-3' },
      { PatientSex: 'O' },
      { PatientAge: '045Y' },
    ];
    const responses = await Promise.all(
      edits.map((changes) => patch(token, { changes, reason: 'concurrent' })),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const listed = await versionsOf(token);
    expect(listed.currentVersion).toBe(before + edits.length);
    const metadata = (await get(token, `/dicomweb/studies/${study}/series/${series}/metadata`)).json()[0];
    expect(metadata['00081030'].Value).toEqual(['Concurrent A']);
    expect(metadata['00080090'].Value).toEqual([{ Alphabetic: 'Concurrent^B' }]);
    expect(metadata['00200010'].Value).toEqual(['C-3']);
    expect(metadata['00100040'].Value).toEqual(['O']);
    expect(metadata['00101010'].Value).toEqual(['045Y']);
  });

  it('lists versions with who, when, why and before/after, and reverts to the stored attributes as a new version', async () => {
    const token = org.users.technologist.accessToken;
    const listed = await versionsOf(org.users.clinician.accessToken);
    expect(listed.versions[0]).toMatchObject({ version: 0, kind: 'stored' });
    expect(listed.versions[1]).toMatchObject({
      version: 1,
      kind: 'edit',
      by: { userId: org.users.technologist.userId, role: 'technologist' },
      reason: 'Registered under the wrong patient at the modality',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      changes: expect.arrayContaining([
        expect.objectContaining({ keyword: 'PatientName', before: 'Wrong^Name', after: 'Right^Name' }),
      ]),
    });

    const missing = await callApi('POST', `/v1/studies/${study}/versions/999/revert`, {
      token,
      body: JSON.stringify({ reason: 'no such version' }),
    });
    expect(missing.status).toBe(404);

    const reverted = await callApi('POST', `/v1/studies/${study}/versions/0/revert`, {
      token,
      body: JSON.stringify({ reason: 'back to what the modality sent' }),
    });
    expect(reverted.status).toBe(200);
    expect(reverted.json().version).toMatchObject({
      kind: 'revert',
      revertedTo: 0,
      version: listed.currentVersion + 1,
    });
    expect((await get(token, '/dicomweb/studies?PatientID=PID-EDIT-1')).json()).toHaveLength(1);
    const retrieved = retrievedDatasets(
      await get(
        token,
        `/dicomweb/studies/${study}/series/${series}`,
        'multipart/related; type="application/dicom"; transfer-syntax=*',
      ),
    );
    expect(retrieved[0]).toMatchObject({
      PatientName: [{ Alphabetic: 'Wrong^Name' }],
      AccessionNumber: 'ACC-1',
      SeriesNumber: 1,
    });
    expect(retrieved[0]?.SeriesDescription).toBeUndefined();
    // Every version is still listed.
    expect((await versionsOf(token)).versions).toHaveLength(listed.versions.length + 1);
    expect(sopOf(files[0] as Buffer)).toBe(retrieved[0]?.SOPInstanceUID);
  });
});
