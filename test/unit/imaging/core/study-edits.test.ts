import dcmjs from 'dcmjs';
import {
  type AttributeEdits,
  editedDocument,
  overridesFor,
} from '../../../../functions/imaging/core/attribute-edits';
import { checkEdits } from '../../../../functions/imaging/core/editable-attributes';
import { withEditedAttributes } from '../../../../functions/imaging/core/edited-part10';
import {
  editAttributes,
  type IndexedChanges,
  listStudyVersions,
  revertStudy,
  type StoredStudyVersion,
  type StudyVersionStore,
} from '../../../../functions/imaging/core/study-versions';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { InvalidInputError, NotFoundError } from '../../../../functions/shared/errors';
import { ctInstance } from '../../../support/dicom-files';

const technologist = {
  kind: 'customer',
  orgId: 'org-a',
  userId: 'tech-1',
  role: 'technologist',
} as CustomerPrincipal;
const clock = { now: () => new Date('2026-12-03T12:00:00Z') };

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof InvalidInputError ? error.code : 'other';
  }
}

describe('which edits are accepted', () => {
  it('accepts allow-listed attributes with values that fit their VR', () => {
    const checked = checkEdits('study', {
      PatientName: 'Doe^John',
      AccessionNumber: 'ACC-2',
      PatientBirthDate: '19800229',
      PatientSex: 'M',
      StudyTime: '101500.5',
      StudyDescription: null,
    });
    expect(checked.map((edit) => [edit.keyword, edit.tag, edit.vr, edit.value])).toEqual([
      ['PatientName', '00100010', 'PN', 'Doe^John'],
      ['AccessionNumber', '00080050', 'SH', 'ACC-2'],
      ['PatientBirthDate', '00100030', 'DA', '19800229'],
      ['PatientSex', '00100040', 'CS', 'M'],
      ['StudyTime', '00080030', 'TM', '101500.5'],
      ['StudyDescription', '00081030', 'LO', null],
    ]);
    expect(checkEdits('series', { SeriesNumber: '7' })[0]?.value).toBe(7);
  });

  it('refuses UIDs with their own code, whatever else the edit holds', () => {
    expect(codeOf(() => checkEdits('study', { StudyInstanceUID: '1.2.3', PatientName: 'A^B' }))).toBe(
      'uid_not_editable',
    );
    expect(codeOf(() => checkEdits('series', { SeriesInstanceUID: '1.2.3' }))).toBe('uid_not_editable');
  });

  it('refuses unknown keywords and attributes of another level', () => {
    expect(codeOf(() => checkEdits('study', { PatientsFavouriteColour: 'blue' }))).toBe(
      'attribute_not_editable',
    );
    expect(codeOf(() => checkEdits('study', { SeriesDescription: 'x' }))).toBe('attribute_not_editable');
    expect(codeOf(() => checkEdits('series', { PatientName: 'A^B' }))).toBe('attribute_not_editable');
    // Known to the dictionary but not on the allow-list: pixel description is never edited.
    expect(codeOf(() => checkEdits('study', { Rows: 10 }))).toBe('attribute_not_editable');
  });

  it.each([
    ['AccessionNumber', 'A'.repeat(17)],
    ['PatientName', 'A'.repeat(65)],
    ['PatientBirthDate', '19810229'],
    ['PatientBirthDate', '1980-01-01'],
    ['PatientSex', 'male'],
    ['StudyTime', '2500'],
    ['PatientAge', '45'],
    ['StudyDescription', 'two\\values'],
    ['StudyDescription', 'bell\u0007'],
    ['PatientName', 42],
  ])('refuses %s = %j as not fitting its VR', (keyword, value) => {
    expect(codeOf(() => checkEdits('study', { [keyword]: value }))).toBe('invalid_attribute_value');
  });

  it.each([['1.5'], [2 ** 31], ['12a']])('refuses SeriesNumber %j (IS: an integer in range)', (value) => {
    expect(codeOf(() => checkEdits('series', { SeriesNumber: value }))).toBe('invalid_attribute_value');
  });
});

const STUDY = '1.2.826.0.1.1';
const SERIES = '1.2.826.0.1.1.1';
const OTHER_SERIES = '1.2.826.0.1.1.2';

/** Reads a Part-10 file back with dcmjs, naturalized. */
function readBack(bytes: Buffer) {
  const { dict } = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  return (
    dcmjs.data.DicomMetaDictionary as unknown as {
      naturalizeDataset(dataset: unknown): Record<string, unknown>;
    }
  ).naturalizeDataset(dict);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* chunked(bytes: Buffer, size: number) {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

describe('retrieved files carry the current attributes', () => {
  const edits: AttributeEdits = {
    study: { PatientName: 'Edited^Name', AccessionNumber: null, PatientBirthDate: '19700101' },
    series: { [SERIES]: { SeriesDescription: 'Edited series', SeriesNumber: 12 } },
  };

  it.each([
    ['explicit VR little endian', '1.2.840.10008.1.2.1', 1 << 20],
    ['explicit VR little endian, 7-byte chunks', '1.2.840.10008.1.2.1', 7],
    ['implicit VR little endian', '1.2.840.10008.1.2', 1 << 20],
    ['implicit VR little endian, 13-byte chunks', '1.2.840.10008.1.2', 13],
  ])(
    'rewrites, inserts and empties attributes in %s, leaving the pixel data as stored',
    async (_name, syntax, size) => {
      const stored = ctInstance({
        studyInstanceUid: STUDY,
        seriesInstanceUid: SERIES,
        transferSyntaxUid: syntax,
      });
      const edited = await collect(withEditedAttributes(chunked(stored, size), overridesFor(edits, SERIES)));
      const before = readBack(stored);
      const after = readBack(edited);

      expect(after.PatientName).toEqual([{ Alphabetic: 'Edited^Name' }]);
      expect(after.AccessionNumber ?? '').toEqual('');
      expect(after.PatientBirthDate).toBe('19700101');
      expect(after.SeriesDescription).toBe('Edited series');
      expect(after.SeriesNumber).toBe(12);
      for (const unchanged of ['PatientID', 'StudyInstanceUID', 'SOPInstanceUID', 'StudyDate', 'Rows']) {
        expect(after[unchanged]).toEqual(before[unchanged]);
      }
      // The pixel data is the stored file's tail, byte for byte.
      const pixelBytes = 32 * 32 * 2;
      expect(
        edited.subarray(edited.length - pixelBytes).equals(stored.subarray(stored.length - pixelBytes)),
      ).toBe(true);
    },
  );

  it('applies only the study attributes to another series, and passes a file through untouched without edits', async () => {
    const stored = ctInstance({ studyInstanceUid: STUDY, seriesInstanceUid: OTHER_SERIES });
    const other = readBack(
      await collect(withEditedAttributes(chunked(stored, 64), overridesFor(edits, OTHER_SERIES))),
    );
    expect(other.PatientName).toEqual([{ Alphabetic: 'Edited^Name' }]);
    expect(other.SeriesNumber).toBe(1);

    expect((await collect(withEditedAttributes(chunked(stored, 64), []))).equals(stored)).toBe(true);
  });

  it('refuses bytes that are not a Part-10 file rather than serving them unedited', async () => {
    const overrides = overridesFor(edits, SERIES);
    await expect(collect(withEditedAttributes(chunked(Buffer.alloc(300, 1), 64), overrides))).rejects.toThrow(
      'not a Part-10 file',
    );
  });

  it('applies the edits to stored DICOM JSON metadata, and leaves it untouched without edits', () => {
    const document = JSON.stringify({
      '0020000E': { vr: 'UI', Value: [SERIES] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
      '00080050': { vr: 'SH', Value: ['ACC-1'] },
    });
    const edited = JSON.parse(editedDocument(document, edits));
    expect(edited['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Edited^Name' }] });
    expect(edited['00080050']).toEqual({ vr: 'SH' });
    expect(edited['00200011']).toEqual({ vr: 'IS', Value: [12] });
    expect(editedDocument(document, { study: {}, series: {} })).toBe(document);
  });
});

/** The version store in memory, with the optimistic check the DynamoDB adapter makes in its transaction. */
function memoryVersions(storedDocuments: Record<string, string>) {
  const state = { version: 0, edits: { study: {}, series: {} } as AttributeEdits, exists: true };
  const versions: StoredStudyVersion[] = [];
  const indexed: IndexedChanges[] = [];
  let beforeCommit: (() => Promise<void>) | null = null;
  const store: StudyVersionStore = {
    editState: async () => (state.exists ? { version: state.version, edits: state.edits } : null),
    storedMetadata: async (_org, _study, series) => storedDocuments[series ?? 'study'] ?? null,
    commit: async (_org, _study, expected, version, changes) => {
      const interfere = beforeCommit;
      beforeCommit = null;
      if (interfere) await interfere();
      if (!state.exists) return 'missing';
      if (state.version !== expected) return 'conflict';
      state.version = version.version;
      state.edits = version.edits;
      versions.push(version);
      indexed.push(changes);
      return 'committed';
    },
    listVersions: async () => [...versions],
  };
  return {
    deps: { versions: store, clock },
    versions,
    indexed,
    state,
    interfereOnce: (run: () => Promise<void>) => {
      beforeCommit = run;
    },
  };
}

const storedStudy = JSON.stringify({
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
  '00100020': { vr: 'LO', Value: ['PID-1'] },
  '00080020': { vr: 'DA', Value: ['20261124'] },
  '00080050': { vr: 'SH', Value: ['ACC-1'] },
});
const storedSeries = JSON.stringify({ '00200011': { vr: 'IS', Value: [1] } });
const always = async () => true;

describe('versions of a study’s attributes', () => {
  it('makes each edit a version with who, when, why and before/after; the index follows', async () => {
    const memory = memoryVersions({ study: storedStudy, [SERIES]: storedSeries });

    const first = await editAttributes(
      memory.deps,
      technologist,
      STUDY,
      null,
      { changes: { PatientName: 'Doe^John', PatientID: 'PID-2' }, reason: 'wrong patient name' },
      always,
    );
    const second = await editAttributes(
      memory.deps,
      technologist,
      STUDY,
      SERIES,
      { changes: { SeriesNumber: 5 }, reason: 'numbering' },
      always,
    );

    expect(first.version).toMatchObject({
      version: 1,
      kind: 'edit',
      at: '2026-12-03T12:00:00.000Z',
      by: { userId: 'tech-1', role: 'technologist' },
      reason: 'wrong patient name',
      changes: [
        { level: 'study', keyword: 'PatientName', before: 'Doe^Jane', after: 'Doe^John' },
        { level: 'study', keyword: 'PatientID', before: 'PID-1', after: 'PID-2' },
      ],
    });
    expect(second.version?.changes).toEqual([
      { level: 'series', series: SERIES, keyword: 'SeriesNumber', tag: '00200011', before: 1, after: 5 },
    ]);
    expect(memory.indexed[0]).toEqual({
      study: { patientName: 'Doe^John', patientId: 'PID-2' },
      sortKeys: { studyDate: '20261124', patientId: 'PID-2' },
      series: [],
    });
    expect(memory.indexed[1]?.series).toEqual([{ series: SERIES, seriesNumber: 5 }]);
    expect(memory.state.edits).toEqual({
      study: { PatientName: 'Doe^John', PatientID: 'PID-2' },
      series: { [SERIES]: { SeriesNumber: 5 } },
    });
  });

  it('adds no version for an edit that changes nothing', async () => {
    const memory = memoryVersions({ study: storedStudy });
    const result = await editAttributes(
      memory.deps,
      technologist,
      STUDY,
      null,
      { changes: { PatientName: 'Doe^Jane' }, reason: 'same' },
      always,
    );
    expect(result).toEqual({ version: null, current: 0 });
    expect(memory.versions).toEqual([]);
  });

  it('reverts to any earlier version (0: as stored) as a new version, keeping every version', async () => {
    const memory = memoryVersions({ study: storedStudy });
    const edit = (changes: Record<string, string>) =>
      editAttributes(memory.deps, technologist, STUDY, null, { changes, reason: 'r' }, always);
    await edit({ PatientName: 'First^Edit' });
    await edit({ PatientName: 'Second^Edit', AccessionNumber: 'ACC-9' });

    const toFirst = await revertStudy(memory.deps, technologist, STUDY, 1, 'back to the first edit');
    expect(toFirst.version).toMatchObject({ version: 3, kind: 'revert', revertedTo: 1 });
    expect(memory.state.edits.study).toEqual({ PatientName: 'First^Edit' });
    expect(toFirst.version?.changes.map((change) => [change.keyword, change.before, change.after])).toEqual([
      ['PatientName', 'Second^Edit', 'First^Edit'],
      ['AccessionNumber', 'ACC-9', 'ACC-1'],
    ]);

    const toStored = await revertStudy(memory.deps, technologist, STUDY, 0, 'as stored');
    expect(toStored.version?.changes).toEqual([
      expect.objectContaining({ keyword: 'PatientName', before: 'First^Edit', after: 'Doe^Jane' }),
    ]);
    expect(memory.state.edits).toEqual({ study: {}, series: {} });

    const listed = await listStudyVersions(memory.deps, technologist, STUDY);
    expect(listed.currentVersion).toBe(4);
    expect(listed.versions.map((version) => [version.version, version.kind])).toEqual([
      [0, 'stored'],
      [1, 'edit'],
      [2, 'edit'],
      [3, 'revert'],
      [4, 'revert'],
    ]);
    expect(listed.versions[1]).not.toHaveProperty('edits');
  });

  it('refuses a version that does not exist, and a study that does not, changing nothing', async () => {
    const memory = memoryVersions({ study: storedStudy });
    await expect(revertStudy(memory.deps, technologist, STUDY, 1, 'r')).rejects.toBeInstanceOf(NotFoundError);
    memory.state.exists = false;
    await expect(
      editAttributes(
        memory.deps,
        technologist,
        STUDY,
        null,
        { changes: { PatientName: 'A^B' }, reason: 'r' },
        always,
      ),
    ).rejects.toThrow('Study not found.');
    expect(memory.versions).toEqual([]);
  });

  it('loses neither of two concurrent edits: the later one re-reads and applies on top', async () => {
    const memory = memoryVersions({ study: storedStudy });
    // While the first edit is on its way, another one commits version 1.
    memory.interfereOnce(async () => {
      await editAttributes(
        memory.deps,
        { ...technologist, userId: 'tech-2' },
        STUDY,
        null,
        { changes: { AccessionNumber: 'ACC-7' }, reason: 'accession' },
        always,
      );
    });

    const result = await editAttributes(
      memory.deps,
      technologist,
      STUDY,
      null,
      { changes: { PatientName: 'Doe^John' }, reason: 'name' },
      always,
    );

    expect(result.version?.version).toBe(2);
    expect(memory.versions.map((version) => version.by.userId)).toEqual(['tech-2', 'tech-1']);
    expect(memory.state.edits.study).toEqual({ AccessionNumber: 'ACC-7', PatientName: 'Doe^John' });
  });
});
