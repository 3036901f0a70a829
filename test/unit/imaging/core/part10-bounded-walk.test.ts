import dicomParser from 'dicom-parser';
import {
  ElementWalkRefused,
  type WalkReport,
  walkDataSet,
  walkFileMeta,
} from '../../../../functions/imaging/core/bounded-element-walk';
import { dicomJsonMetadata } from '../../../../functions/imaging/core/metadata';
import {
  DicomRejectedError,
  INGEST_LIMITS,
  type IngestLimits,
  type RejectionReason,
  readPart10,
} from '../../../../functions/imaging/core/part10';
import { ctInstance } from '../../../support/dicom-files';

const LIMITS: IngestLimits = { ...INGEST_LIMITS, maxElements: 1000 };

/** An explicit VR little endian element: 16-bit length, or reserved bytes and a 32-bit one. */
function element(group: number, number: number, vr: string, value: Buffer, length = value.length): Buffer {
  const long = ['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UR', 'UT', 'UN'].includes(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(number, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(length >>> 0, 8);
  else header.writeUInt16LE(length, 6);
  return Buffer.concat([header, value]);
}

/** An item or delimiter header: (FFFE,eeee) and a 32-bit length. */
function itemHeader(number: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(number, 2);
  header.writeUInt32LE(length >>> 0, 4);
  return header;
}
const UNDEFINED = 0xffffffff;

/** A well-formed CT image with extra elements placed first in its data set. */
function withElements(...extra: Buffer[]): Buffer {
  const base = ctInstance();
  const metaEnd = 144 + base.readUInt32LE(140);
  return Buffer.concat([base.subarray(0, metaEnd), ...extra, base.subarray(metaEnd)]);
}

/** `count` empty private elements with distinct tags, 8 bytes each: the cheapest element to send. */
function tinyElements(count: number): Buffer {
  const elements = Buffer.alloc(count * 8);
  for (let index = 0; index < count; index += 1) {
    elements.writeUInt16LE(0x0009 + 2 * Math.floor(index / 0xff00), index * 8);
    elements.writeUInt16LE(0x0100 + (index % 0xff00), index * 8 + 2);
    elements.write('SH', index * 8 + 4, 'latin1');
  }
  return elements;
}

const rejection = (file: Buffer, limits = LIMITS): RejectionReason | 'accepted' => {
  try {
    readPart10(file, limits);
    return 'accepted';
  } catch (error) {
    if (error instanceof DicomRejectedError) return error.reason;
    throw error;
  }
};

/** What the bounded walk had counted when it stopped, or everything it counted. */
function walk(file: Buffer, limits = LIMITS): { refused: string | null; report: WalkReport } {
  try {
    const { metaEnd, counted } = walkFileMeta(file, limits);
    return { refused: null, report: walkDataSet(file, metaEnd, false, limits, counted) };
  } catch (error) {
    if (error instanceof ElementWalkRefused) return { refused: error.reason, report: error.report };
    throw error;
  }
}

afterEach(() => jest.restoreAllMocks());

describe('the element limits stop the walk while it happens', () => {
  it('refuses 10× the element limit of tiny elements one element past the limit, before the parser runs', () => {
    const parse = jest.spyOn(dicomParser, 'parseDicom');
    const file = withElements(tinyElements(10 * LIMITS.maxElements));

    expect(rejection(file)).toBe('too-many-elements');
    expect(parse).not.toHaveBeenCalled();
    expect(walk(file)).toEqual({
      refused: 'too-many-elements',
      report: expect.objectContaining({ nodes: LIMITS.maxElements + 1 }),
    });
  });

  it('counts sequence items, even empty ones, and the elements inside them', () => {
    const emptyItems = Array.from({ length: 2 * LIMITS.maxElements }, () => itemHeader(0xe000, 0));
    const sequence = element(
      0x0008,
      0x1140,
      'SQ',
      Buffer.concat([...emptyItems, itemHeader(0xe0dd, 0)]),
      UNDEFINED,
    );
    const file = withElements(sequence);

    expect(rejection(file)).toBe('too-many-elements');
    expect(walk(file).report.nodes).toBe(LIMITS.maxElements + 1);
  });

  it('counts encapsulated pixel data fragments and offset table entries', () => {
    const fragments = Array.from({ length: 2 * LIMITS.maxElements }, () => itemHeader(0xe000, 0));
    const pixelData = element(
      0x7fe0,
      0x0010,
      'OB',
      Buffer.concat([itemHeader(0xe000, 0), ...fragments, itemHeader(0xe0dd, 0)]),
      UNDEFINED,
    );
    const base = ctInstance({ transferSyntaxUid: '1.2.840.10008.1.2.4.50' });
    const at = base.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const file = Buffer.concat([base.subarray(0, at), pixelData]);

    expect(rejection(file)).toBe('too-many-elements');
  });

  it('refuses sequences nested deeper than the limit while walking down to them', () => {
    let nested = element(0x0008, 0x1155, 'UI', Buffer.from('1.2.3\0'));
    for (let level = 0; level < 40; level += 1) {
      const item = Buffer.concat([itemHeader(0xe000, nested.length), nested]);
      nested = element(0x0008, 0x1140, 'SQ', item);
    }

    const file = withElements(nested);
    const metaNodes = walkFileMeta(file, LIMITS).counted.nodes;

    expect(rejection(file)).toBe('too-deep');
    // Of the 40 levels, the walk reached 17 sequences and their items, and went no deeper.
    expect(walk(file)).toEqual({
      refused: 'too-deep',
      report: expect.objectContaining({ nodes: metaNodes + 2 * (LIMITS.maxSequenceDepth + 1) }),
    });
  });

  it('bounds the bytes of values decoded for the metadata: 3 MiB of empty multi-values is refused', () => {
    const values = Buffer.alloc(3 * 1024 * 1024, '\\');
    const file = withElements(element(0x0008, 0x0119, 'UC', values));

    expect(rejection(file, { ...INGEST_LIMITS, maxFileBytes: 8 * 1024 * 1024 })).toBe('attributes-too-large');
  });

  it('refuses an item whose delimiter the two libraries would find in different places', () => {
    // An undefined-length item holding a binary value that contains an item delimiter's bytes: dicom-parser
    // skips the value, dcmjs's scan stops inside it and would read the rest as new items.
    const smuggled = Buffer.concat([itemHeader(0xe00d, 0), Buffer.alloc(8)]);
    const item = Buffer.concat([
      itemHeader(0xe000, UNDEFINED),
      element(0x0009, 0x1010, 'OB', smuggled),
      itemHeader(0xe00d, 0),
    ]);
    const file = withElements(
      element(0x0009, 0x0010, 'LO', Buffer.from('VENDOR')),
      element(0x0009, 0x1001, 'SQ', Buffer.concat([item, itemHeader(0xe0dd, 0)]), UNDEFINED),
    );

    expect(rejection(file)).toBe('malformed');
  });

  it('still accepts well-formed nested sequences, and the metadata reader reads them alike', () => {
    const inner = element(0x0008, 0x1155, 'UI', Buffer.from('1.2.3\0'));
    const item = Buffer.concat([itemHeader(0xe000, UNDEFINED), inner, itemHeader(0xe00d, 0)]);
    const file = withElements(
      element(0x0008, 0x1140, 'SQ', Buffer.concat([item, item, itemHeader(0xe0dd, 0)]), UNDEFINED),
    );

    expect(rejection(file)).toBe('accepted');
    expect(dicomJsonMetadata(readPart10(file).sanitized)['00081140']).toEqual({
      vr: 'SQ',
      Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }, { '00081155': { vr: 'UI', Value: ['1.2.3'] } }],
    });
  });
});
