import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;
const first = (dataset: DicomJson | undefined, tag: string) => dataset?.[tag]?.Value?.[0];

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const axial = testUid();
const scout = testUid();
const instanceIn = (series: string, number: number, description: string, modality: string) =>
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: series,
    patientId: 'PID-QIDO-1',
    patientName: 'Müller^Jürgen',
    studyDate: '20261103',
    extra: {
      SpecificCharacterSet: 'ISO_IR 192',
      SeriesDescription: description,
      Modality: modality,
      SeriesNumber: String(modality === 'CT' ? 2 : 1),
      InstanceNumber: String(number),
      PatientBirthDate: '19700101',
      PatientSex: 'M',
    },
  });
const files = [
  instanceIn(axial, 1, 'AXIAL 1mm', 'CT'),
  instanceIn(axial, 2, 'AXIAL 1mm', 'CT'),
  instanceIn(scout, 1, 'SCOUT', 'OT'),
];

const search = (path: string, token = org.users.radiologist.accessToken) =>
  callApi('GET', `/dicomweb${path}`, { token, headers: { accept: 'application/dicom+json' } });

beforeAll(async () => {
  org = await freshOrganization('qido');
  other = await freshOrganization('qido-other');
  const stored = await stow(org.users.technologist.accessToken, files);
  expect(stored.status).toBe(200);
});

describe('QIDO-RS over HTTPS', () => {
  it('matches names fuzzily when asked: case, accents and word order do not matter', async () => {
    const fuzzy = await search('/studies?PatientName=jurgen%20mull&fuzzymatching=true');
    const exact = await search('/studies?PatientName=jurgen%20mull');

    expect(fuzzy.status).toBe(200);
    expect((fuzzy.json() as DicomJson[]).map((found) => first(found, '0020000D'))).toEqual([study]);
    expect(exact.json()).toEqual([]);
  });

  it('searches series by Modality and adds includefield attributes from the stored instances', async () => {
    const response = await search(`/studies/${study}/series?Modality=CT&includefield=SeriesDescription`);

    const [series] = response.json() as DicomJson[];
    expect(response.json()).toHaveLength(1);
    expect(first(series, '0020000E')).toBe(axial);
    expect(first(series, '0008103E')).toBe('AXIAL 1mm');
    expect(series?.['00100030']).toBeUndefined();
  });

  it("lists a study's instances across series, with paging, includefield=all and a working RetrieveURL", async () => {
    const page = await search(`/studies/${study}/instances?limit=2&includefield=all`);
    const rest = await search(`/studies/${study}/instances?limit=2&offset=2`);

    expect(page.status).toBe(200);
    expect(String(page.headers.warning)).toMatch(/^299 /);
    expect(rest.headers.warning).toBeUndefined();
    const instances = [...(page.json() as DicomJson[]), ...(rest.json() as DicomJson[])];
    expect(instances.map((found) => first(found, '00080018')).sort()).toEqual(files.map(sopOf).sort());
    expect(first(page.json()[0], '00100030')).toBe('19700101');
    expect(page.json()[0]['7FE00010']).toBeUndefined();

    const url = new URL(String(first(instances[0], '00081190')));
    expect(url.protocol).toBe('https:');
    const retrieved = await callApi('GET', url.pathname, { token: org.users.radiologist.accessToken });
    expect(retrieved.status).toBe(200);
    expect(String(retrieved.headers['content-type'])).toMatch(/^multipart\/related/);
  });

  it('filters instances by InstanceNumber and answers bad parameters with 400 and a code', async () => {
    const numbered = await search(`/studies/${study}/series/${axial}/instances?InstanceNumber=2`);
    const badTag = await search(`/studies/${study}/series?includefield=NotAnAttribute`);
    const badUid = await search(`/studies/${study}/instances?SOPInstanceUID=1.2.x`);

    expect((numbered.json() as DicomJson[]).map((found) => first(found, '00200013'))).toEqual([2]);
    expect(badTag.status).toBe(400);
    expect(badUid.status).toBe(400);
    expect(badUid.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('searches series and instances across studies, with their study attributes', async () => {
    const series = await search('/series?PatientID=PID-QIDO-1&Modality=CT');
    const instances = await search('/instances?PatientName=m%C3%BCller*&InstanceNumber=2');

    expect(series.status).toBe(200);
    expect((series.json() as DicomJson[]).map((found) => first(found, '0020000E'))).toEqual([axial]);
    expect(first(series.json()[0], '00100010')).toEqual({ Alphabetic: 'Müller^Jürgen' });
    expect(first(series.json()[0], '00081190')).toMatch(new RegExp(`/studies/${study}/series/${axial}$`));
    expect((instances.json() as DicomJson[]).map((found) => first(found, '00080018'))).toEqual([
      sopOf(files[1] as Buffer),
    ]);
    expect(first(instances.json()[0], '0020000D')).toBe(study);
  });

  it("[PP-07] answers another organization's study as missing at every level", async () => {
    const token = other.users.radiologist.accessToken;

    expect((await search(`/studies/${study}/instances`, token)).status).toBe(404);
    expect((await search(`/studies/${study}/series`, token)).status).toBe(404);
    expect((await search(`/studies?StudyInstanceUID=${study}`, token)).json()).toEqual([]);
    expect((await search('/series?PatientID=PID-QIDO-1', token)).json()).toEqual([]);
    expect((await search('/instances?PatientID=PID-QIDO-1', token)).json()).toEqual([]);
  });
});
