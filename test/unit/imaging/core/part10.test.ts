import fc from 'fast-check';
import {
  DicomRejectedError,
  INGEST_LIMITS,
  type RejectionReason,
  readPart10,
} from '../../../../functions/imaging/core/part10';
import { isDicomUid } from '../../../../schemas/imaging/dicom-uid';
import { ctInstance, testUid } from '../../../support/dicom-files';

const rejection = (build: () => Uint8Array, limits = INGEST_LIMITS): RejectionReason | 'accepted' => {
  try {
    readPart10(build(), limits);
    return 'accepted';
  } catch (error) {
    if (error instanceof DicomRejectedError) return error.reason;
    throw error;
  }
};

/** Replaces the first occurrence of a byte pattern. */
function patch(file: Buffer, find: number[], replace: number[]): Buffer {
  const copy = Buffer.from(file);
  const at = copy.indexOf(Buffer.from(find));
  if (at < 0) throw new Error('pattern not found');
  Buffer.from(replace).copy(copy, at);
  return copy;
}

function nested(depth: number): Record<string, unknown> {
  let item: Record<string, unknown> = { ReferencedSOPInstanceUID: '1.2.3' };
  for (let level = 0; level < depth; level += 1) item = { ReferencedImageSequence: [item] };
  return item;
}

describe('DICOM UIDs', () => {
  it.each(['1.2.840.10008.1.2', '0', '2.25.329800735698586629295641978511506172918'])('accepts %s', (uid) => {
    expect(isDicomUid(uid)).toBe(true);
  });

  it.each(['', '1..2', '1.2.', '.1', '1.02', `1.${'2'.repeat(63)}`, '1.2/3', '..%2f', '1.2 ', '١.٢'])(
    'refuses %p',
    (uid) => {
      expect(isDicomUid(uid)).toBe(false);
    },
  );
});

describe('readPart10', () => {
  it('accepts a well-formed CT image and returns its identity and searchable attributes', () => {
    const study = testUid();
    const parsed = readPart10(
      ctInstance({ studyInstanceUid: study, patientId: 'PID-42', patientName: 'Roe^Rick' }),
    );

    expect(parsed).toMatchObject({
      studyInstanceUid: study,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      attributes: { patientId: 'PID-42', patientName: 'Roe^Rick', modality: 'CT', studyDate: '20261124' },
      pixels: { rows: 32, columns: 32, frames: 1, encapsulated: false },
    });
  });

  it.each<[string, () => Uint8Array, RejectionReason]>([
    ['D3 an empty file', () => new Uint8Array(0), 'not-dicom'],
    ['D3 a file cut before the DICM prefix', () => ctInstance().subarray(0, 100), 'not-dicom'],
    ['D3 a PNG', () => Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.alloc(300)]), 'not-dicom'],
    [
      'D1 a PE executable in the preamble',
      () => Buffer.concat([Buffer.from('MZ'), ctInstance().subarray(2)]),
      'executable-preamble',
    ],
    [
      'D1 an ELF executable in the preamble',
      () => Buffer.concat([Buffer.from('\x7fELF'), ctInstance().subarray(4)]),
      'executable-preamble',
    ],
    [
      'D4 a file meta group without its group length',
      () => patch(ctInstance(), [0x02, 0x00, 0x00, 0x00, 0x55, 0x4c], [0x02, 0x00, 0x01, 0x00, 0x55, 0x4c]),
      'bad-file-meta',
    ],
    [
      'D4 a file meta group length beyond the file',
      () => {
        const file = ctInstance();
        file.writeUInt32LE(0x7ffffff0, 140);
        return file;
      },
      'bad-file-meta',
    ],
    [
      'D5 a deflated transfer syntax (decompression bomb carrier)',
      () => ctInstance({ transferSyntaxUid: '1.2.840.10008.1.2.1.99' }),
      'transfer-syntax-not-accepted',
    ],
    [
      'D5 a garbage transfer syntax',
      () => ctInstance({ transferSyntaxUid: '9.9.9' }),
      'transfer-syntax-not-accepted',
    ],
    [
      'D6 an element length far beyond the file',
      () =>
        patch(
          ctInstance(),
          [0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0x00, 0x00],
          [0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0x00, 0x00, 0xf0, 0xff, 0xff, 0x7f],
        ),
      'malformed',
    ],
    ['D9 sequences nested 24 deep', () => ctInstance({ extra: nested(24) }), 'too-deep'],
    [
      'D11 file meta naming another instance',
      () =>
        patch(
          ctInstance({ sopInstanceUid: '1.2.3.44' }),
          [...Buffer.from('1.2.3.44')],
          [...Buffer.from('1.2.3.45')],
        ),
      'inconsistent-identity',
    ],
    [
      'D12 Rows encoded as UL',
      () => patch(ctInstance(), [0x28, 0x00, 0x10, 0x00, 0x55, 0x53], [0x28, 0x00, 0x10, 0x00, 0x55, 0x4c]),
      'bad-pixel-description',
    ],
    [
      'P1 dimensions whose product overflows 32 bits',
      () => ctInstance({ extra: { Rows: 65535, Columns: 65535, NumberOfFrames: '9000' } }),
      'bad-pixel-description',
    ],
    [
      'P1 pixel data shorter than the image description',
      () => ctInstance({ extra: { Rows: 64 } }),
      'bad-pixel-description',
    ],
    [
      'P2 BitsStored above BitsAllocated',
      () => ctInstance({ extra: { BitsStored: 17, HighBit: 16 } }),
      'bad-pixel-description',
    ],
    ['P6 zero frames', () => ctInstance({ extra: { NumberOfFrames: '0' } }), 'bad-pixel-description'],
    [
      'P8 a path in the SOP Instance UID',
      () => ctInstance({ sopInstanceUid: '../../etc/passwd' }),
      'invalid-uid',
    ],
    [
      'P8 a shell command in the Study Instance UID',
      () => ctInstance({ studyInstanceUid: '1.2;rm -rf /' }),
      'invalid-uid',
    ],
    [
      'P8 a leading zero in a UID component',
      () => ctInstance({ seriesInstanceUid: '1.2.03.4' }),
      'invalid-uid',
    ],
    [
      'a missing Study Instance UID',
      () => ctInstance({ extra: { StudyInstanceUID: undefined } }),
      'missing-attribute',
    ],
  ])('rejects %s', (_label, build, reason) => {
    expect(rejection(build)).toBe(reason);
  });

  it('D10 caps the number of elements before walking further', () => {
    expect(rejection(() => ctInstance(), { ...INGEST_LIMITS, maxElements: 10 })).toBe('too-many-elements');
  });

  it('refuses a file over the size limit before reading it', () => {
    expect(rejection(() => ctInstance(), { ...INGEST_LIMITS, maxFileBytes: 1000 })).toBe('too-large');
  });

  it('D2 accepts a TIFF preamble but stores the file with the preamble zeroed', () => {
    const file = Buffer.concat([Buffer.from('II*\0'), ctInstance().subarray(4)]);

    const parsed = readPart10(file);

    expect(parsed.sanitized.subarray(0, 128).every((byte) => byte === 0)).toBe(true);
    expect(parsed.sanitized.subarray(128)).toEqual(file.subarray(128));
    // The caller's bytes stay as they came.
    expect(file.subarray(0, 4).toString('latin1')).toBe('II*\0');
  });

  it('stores a file whose preamble is already zero as it came, without a copy of the whole file', () => {
    const file = ctInstance();
    expect(file.subarray(0, 128).every((byte) => byte === 0)).toBe(true);

    const parsed = readPart10(file);

    expect(parsed.sanitized.buffer).toBe(file.buffer);
    expect(parsed.sanitized.byteOffset).toBe(file.byteOffset);
    expect(parsed.sanitized.equals(file)).toBe(true);
  });

  it('D2 zeroes a TIFF preamble of a part inside a larger buffer without touching the bytes around it', () => {
    const file = Buffer.concat([Buffer.from('II*\0'), ctInstance().subarray(4)]);
    const around = Buffer.concat([Buffer.from('before'), file, Buffer.from('after')]);
    const part = around.subarray(6, 6 + file.length);

    const parsed = readPart10(part);

    expect(parsed.sanitized.subarray(0, 128).every((byte) => byte === 0)).toBe(true);
    expect(parsed.sanitized.subarray(128)).toEqual(file.subarray(128));
    expect(around.subarray(0, 10).toString('latin1')).toBe('beforeII*\0');
  });

  it('survives 3,000 mutated files: each is accepted or rejected with a reason, never crashes', () => {
    const seeds = [ctInstance(), ctInstance({ extra: nested(3) }), ctInstance({ rows: 8, columns: 8 })];
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (seedIndex, flips, cut) => {
          const file = Buffer.from(seeds[seedIndex] as Buffer);
          for (const [offset, value] of flips) file[128 + (offset % (file.length - 128))] = value;
          const mutated = cut === undefined ? file : file.subarray(0, 128 + (cut % (file.length - 128)));
          const outcome = rejection(() => mutated);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        },
      ),
      { numRuns: 3000, seed: 20261124 },
    );
    console.log('mutated-file outcomes', Object.fromEntries(outcomes));
    expect([...outcomes.values()].reduce((sum, count) => sum + count, 0)).toBe(3000);
  });
});
