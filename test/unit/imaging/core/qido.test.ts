import {
  QidoInstanceQuerySchema,
  QidoRootInstanceQuerySchema,
  QidoRootSeriesQuerySchema,
  QidoSeriesQuerySchema,
  QidoStudyQuerySchema,
} from '#schemas/imaging/qido';
import {
  instanceToDicomJson,
  seriesToDicomJson,
  studyToDicomJson,
} from '../../../../functions/imaging/core/dicom-json';
import {
  atSeriesLevel,
  resolveIncludeFields,
  withIncludedFields,
} from '../../../../functions/imaging/core/include-fields';
import type {
  ImagingIndex,
  SeriesRecord,
  StoredInstance,
  StudyRecord,
} from '../../../../functions/imaging/core/ports';
import {
  personNameMatcher,
  searchAllInstances,
  searchAllSeries,
  searchInstances,
  searchSeries,
  searchStudies,
  timeMatcher,
} from '../../../../functions/imaging/core/search';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';

const caller = { kind: 'customer', orgId: 'org-a', userId: 'u1' } as CustomerPrincipal;
const ROOT = 'https://pacs.example/dicomweb';

const study = (overrides: Partial<StudyRecord>): StudyRecord => ({
  studyInstanceUid: '1.2.3',
  patientId: 'P1',
  patientName: 'Smith^John',
  studyDate: '20261101',
  studyTime: '101500',
  accessionNumber: 'A1',
  referringPhysicianName: 'House^Gregory',
  studyDescription: 'CT',
  studyId: '1',
  modalities: ['CT'],
  seriesCount: 1,
  instanceCount: 1,
  ...overrides,
});

const series = (uid: string, modality: string, seriesNumber: number): SeriesRecord => ({
  studyInstanceUid: '1.2.3',
  seriesInstanceUid: uid,
  modality,
  seriesNumber,
  instanceCount: 2,
});

const instance = (seriesUid: string, sop: string, instanceNumber: number): StoredInstance =>
  ({
    orgId: 'org-a',
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: seriesUid,
    sopInstanceUid: sop,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    instanceNumber,
    rows: 2,
    columns: 2,
    frames: 1,
  }) as StoredInstance;

/** An index holding one study with a CT and an MR series, two instances each. */
function indexWith(studies: StudyRecord[]): ImagingIndex {
  const instances = [
    instance('1.2.3.1', '1.2.3.1.2', 2),
    instance('1.2.3.1', '1.2.3.1.1', 1),
    instance('1.2.3.2', '1.2.3.2.1', 1),
    instance('1.2.3.2', '1.2.3.2.2', 2),
  ];
  return {
    getStudy: async (_org: string, uid: string) => studies.find((s) => s.studyInstanceUid === uid) ?? null,
    searchStudies: async () => studies,
    findStudies: async function* () {
      yield* studies;
    },
    listSeries: async () => [series('1.2.3.1', 'CT', 1), series('1.2.3.2', 'MR', 2)],
    listInstances: async (_org: string, _study: string, seriesUid: string | null) =>
      instances.filter((item) => seriesUid === null || item.seriesInstanceUid === seriesUid),
    listMetadata: async () => [],
  } as unknown as ImagingIndex;
}

describe('QIDO-RS matching', () => {
  it.each([
    ['smi jo', 'Smith^John', true],
    ['JOHN SMITH', 'Smith^John', true],
    ['jose', 'García^José', true],
    ['garc*', 'García^José', true],
    ['sm?th', 'Smith^John', true],
    ['john', 'Johnson^Ann', true],
    ['ann smith', 'Johnson^Ann', false],
    ['mit', 'Smith^John', false],
  ])('fuzzymatching=true: %s against %s → %s', (pattern, name, expected) => {
    expect(personNameMatcher(pattern, true)(name)).toBe(expected);
  });

  it('without fuzzymatching, matches the whole value, case-insensitively', () => {
    expect(personNameMatcher('smith^john')('Smith^John')).toBe(true);
    expect(personNameMatcher('smi jo')('Smith^John')).toBe(false);
    expect(personNameMatcher('jose', false)('García^José')).toBe(false);
  });

  it.each([
    ['1015', '101500', true],
    ['1015', '101559.5', true],
    ['1015', '101600', false],
    ['0900-1200', '101500', true],
    ['-0900', '101500', false],
    ['1000-', '101500', true],
    ['101500.5-101501', '101500.4', false],
  ])('StudyTime=%s against %s → %s', (range, time, expected) => {
    expect(timeMatcher(range)(time)).toBe(expected);
  });

  it('filters studies by referring physician, study time and fuzzy patient name', async () => {
    const index = indexWith([
      study({ studyInstanceUid: '1.1', patientName: 'Smith^John', studyTime: '080000' }),
      study({ studyInstanceUid: '1.2', patientName: 'Smith^John', referringPhysicianName: 'Wilson^James' }),
      study({ studyInstanceUid: '1.3', patientName: 'Jones^Ann' }),
      study({ studyInstanceUid: '1.4', patientName: 'SMITH^Johnathan' }),
    ]);
    const query = QidoStudyQuerySchema.parse({
      PatientName: 'joh smi',
      fuzzymatching: 'true',
      ReferringPhysicianName: 'house*',
      StudyTime: '0900-1200',
    });

    const { studies } = await searchStudies({ index }, caller, query);

    expect(studies.map((found) => found.studyInstanceUid)).toEqual(['1.4']);
  });
});

describe('QIDO-RS series and instance levels', () => {
  const index = indexWith([study({})]);

  it('filters series by Modality and SeriesNumber, and pages with a truncation signal', async () => {
    const byModality = await searchSeries(
      { index },
      caller,
      '1.2.3',
      QidoSeriesQuerySchema.parse({ Modality: 'MR' }),
    );
    const byNumber = await searchSeries(
      { index },
      caller,
      '1.2.3',
      QidoSeriesQuerySchema.parse({ SeriesNumber: '1' }),
    );
    const firstPage = await searchSeries(
      { index },
      caller,
      '1.2.3',
      QidoSeriesQuerySchema.parse({ limit: '1' }),
    );

    expect(byModality.items.map((item) => item.seriesInstanceUid)).toEqual(['1.2.3.2']);
    expect(byNumber.items.map((item) => item.seriesInstanceUid)).toEqual(['1.2.3.1']);
    expect(firstPage).toMatchObject({ truncated: true, items: [{ seriesInstanceUid: '1.2.3.1' }] });
  });

  it('lists a whole study in series and instance-number order, and filters by InstanceNumber and SOPInstanceUID', async () => {
    const all = await searchInstances({ index }, caller, '1.2.3', null, QidoInstanceQuerySchema.parse({}));
    const numbered = await searchInstances(
      { index },
      caller,
      '1.2.3',
      '1.2.3.1',
      QidoInstanceQuerySchema.parse({ InstanceNumber: '2' }),
    );
    const listed = await searchInstances(
      { index },
      caller,
      '1.2.3',
      null,
      QidoInstanceQuerySchema.parse({ SOPInstanceUID: '1.2.3.2.2,1.2.3.1.1', offset: '1' }),
    );

    expect(all.items.map((item) => item.sopInstanceUid)).toEqual([
      '1.2.3.1.1',
      '1.2.3.1.2',
      '1.2.3.2.1',
      '1.2.3.2.2',
    ]);
    expect(numbered.items.map((item) => item.sopInstanceUid)).toEqual(['1.2.3.1.2']);
    expect(listed).toEqual({
      truncated: false,
      items: [expect.objectContaining({ sopInstanceUid: '1.2.3.2.2' })],
    });
  });

  it('refuses invalid parameters before they reach the index', () => {
    expect(QidoSeriesQuerySchema.safeParse({ Modality: 'ct; drop' }).success).toBe(false);
    expect(QidoInstanceQuerySchema.safeParse({ SOPInstanceUID: '../../etc' }).success).toBe(false);
    expect(QidoStudyQuerySchema.safeParse({ StudyTime: '25:00' }).success).toBe(false);
    expect(QidoStudyQuerySchema.safeParse({ includefield: 'PatientAge,(0010' }).success).toBe(false);
  });
});

describe('QIDO-RS at the root', () => {
  const index = indexWith([
    study({ studyInstanceUid: '1.2.3', patientId: 'P1' }),
    study({ studyInstanceUid: '1.2.4', patientId: 'P1', patientName: 'Jones^Ann' }),
  ]);

  it('finds series across the studies that match the study-level keys', async () => {
    const query = QidoRootSeriesQuerySchema.parse({ PatientName: 'smith*', Modality: 'MR' });

    const { items, truncated } = await searchAllSeries({ index }, caller, query);

    expect(
      items.map(({ study: found, series: item }) => [found.studyInstanceUid, item.seriesInstanceUid]),
    ).toEqual([['1.2.3', '1.2.3.2']]);
    expect(truncated).toBe(false);
  });

  it('finds instances across studies by instance-level keys, and pages them', async () => {
    const query = QidoRootInstanceQuerySchema.parse({ PatientID: 'P1', InstanceNumber: '1', limit: '1' });

    const { items, truncated } = await searchAllInstances({ index }, caller, query);

    expect(items).toHaveLength(1);
    expect(items[0]?.instance.instanceNumber).toBe(1);
    expect(truncated).toBe(true);
  });
});

describe('QIDO-RS results', () => {
  it('carry a RetrieveURL to the WADO-RS resource at each level', () => {
    expect(studyToDicomJson(study({}), ROOT)['00081190']).toEqual({
      vr: 'UR',
      Value: [`${ROOT}/studies/1.2.3`],
    });
    expect(seriesToDicomJson(series('1.2.3.1', 'CT', 1), ROOT)['00081190']?.Value).toEqual([
      `${ROOT}/studies/1.2.3/series/1.2.3.1`,
    ]);
    expect(instanceToDicomJson(instance('1.2.3.1', '1.2.3.1.1', 1), ROOT)['00081190']?.Value).toEqual([
      `${ROOT}/studies/1.2.3/series/1.2.3.1/instances/1.2.3.1.1`,
    ]);
  });

  it('resolve includefield keywords and tags, and refuse unknown keywords', () => {
    expect(resolveIncludeFields(['PatientBirthDate', '0008103e'])).toEqual({
      all: false,
      tags: new Set(['00100030', '0008103E']),
    });
    expect(resolveIncludeFields(['ALL'])).toEqual({ all: true });
    expect(() => resolveIncludeFields(['NoSuchKeyword'])).toThrow(/unknown attribute/);
  });

  it('add only the requested stored attributes, never bulk data, and keep the defaults', () => {
    const stored = {
      '00100030': { vr: 'DA', Value: ['19700101'] },
      '00100040': { vr: 'CS', Value: ['F'] },
      '00080018': { vr: 'UI', Value: ['stored-copy'] },
      '7FE00010': { vr: 'OW', BulkDataURI: 'x' },
    };
    const result = { '00080018': { vr: 'UI', Value: ['1.2'] } };

    expect(withIncludedFields(result, resolveIncludeFields(['PatientBirthDate']), stored)).toEqual({
      '00080018': { vr: 'UI', Value: ['1.2'] },
      '00100030': { vr: 'DA', Value: ['19700101'] },
    });
    expect(Object.keys(withIncludedFields(result, { all: true }, stored))).toEqual([
      '00080018',
      '00100030',
      '00100040',
    ]);
    expect(atSeriesLevel({ all: true })).toEqual({ all: false, tags: expect.any(Set) });
  });
});
