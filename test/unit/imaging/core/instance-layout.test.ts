import { createHash } from 'node:crypto';
import dicomParser from 'dicom-parser';
import {
  type InstanceLayout,
  instanceLayout,
  MAX_BULK_DATA_VALUES,
  packFrameTable,
  unpackFrameTable,
} from '../../../../functions/imaging/core/instance-layout';
import { instanceMetadata } from '../../../../functions/imaging/core/metadata';
import { readPart10 } from '../../../../functions/imaging/core/part10';
import { ctInstance, fakeBitstream, multiFrameInstance, nativeFrame } from '../../../support/dicom-files';

const digest = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest().subarray(0, 16).toString('hex');
};
const slice = (file: Buffer, range: { offset: number; length: number }) =>
  file.subarray(range.offset, range.offset + range.length);

/** The fragment values inside an encapsulated frame's range: every (FFFE,E000) item, headers dropped. */
function itemValues(bytes: Buffer): Buffer[] {
  const values: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    expect(bytes.readUInt16LE(at)).toBe(0xfffe);
    expect(bytes.readUInt16LE(at + 2)).toBe(0xe000);
    const length = bytes.readUInt32LE(at + 4);
    values.push(bytes.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return values;
}

const layoutOf = (file: Buffer): InstanceLayout => readPart10(file).layout;

describe('instance layout, recorded at ingest without decoding', () => {
  it('locates every native frame of a multi-frame image, each with the digest of its own bytes', () => {
    const file = multiFrameInstance({ frames: 4, rows: 8, columns: 6 });

    const pixelData = layoutOf(file).pixelData;

    expect(pixelData).toMatchObject({ vr: 'OW', encapsulated: false });
    expect(pixelData?.frames).toHaveLength(4);
    pixelData?.frames?.forEach((frame, index) => {
      expect(slice(file, frame)).toEqual(Buffer.from(nativeFrame(8, 6, index)));
      expect(frame.digest).toBe(digest(nativeFrame(8, 6, index)));
    });
    expect(pixelData?.value?.length).toBe(4 * 8 * 6 * 2);
    expect(pixelData?.value?.digest).toBe(digest(slice(file, pixelData?.value as never)));
  });

  it('gives a single native frame the range and digest of the value it fills, and only its own bytes when the value is padded', () => {
    const filled = ctInstance({
      rows: 8,
      columns: 6,
      extra: { PixelData: [nativeFrame(8, 6, 0).slice().buffer] },
    });
    const padded = ctInstance({
      rows: 8,
      columns: 6,
      extra: { PixelData: [new Uint8Array([...nativeFrame(8, 6, 0), 1, 2, 3, 4]).buffer] },
    });

    const whole = layoutOf(filled).pixelData;
    const trailing = layoutOf(padded).pixelData;

    expect(whole?.frames).toEqual([whole?.value]);
    expect(whole?.frames?.[0]?.digest).toBe(digest(nativeFrame(8, 6, 0)));
    expect(trailing?.value?.length).toBe(8 * 6 * 2 + 4);
    expect(trailing?.frames).toHaveLength(1);
    expect(trailing?.frames?.[0]).toMatchObject({ offset: trailing?.value?.offset, length: 8 * 6 * 2 });
    expect(trailing?.frames?.[0]?.digest).toBe(digest(nativeFrame(8, 6, 0)));
    expect(trailing?.value?.digest).toBe(digest(nativeFrame(8, 6, 0), Buffer.from([1, 2, 3, 4])));
  });

  it('maps encapsulated fragments to frames through the basic offset table; the digest covers the bitstream', () => {
    const bitstreams = [fakeBitstream(101, 1), fakeBitstream(64, 2), fakeBitstream(333, 3)];
    const file = multiFrameInstance({ bitstreams });

    const frames = layoutOf(file).pixelData?.frames ?? [];

    expect(frames).toHaveLength(3);
    frames.forEach((frame, index) => {
      const [value] = itemValues(slice(file, frame));
      const bitstream = bitstreams[index] as Uint8Array;
      // Odd bitstreams are padded to even length in the file, as PS3.5 requires.
      expect(value?.subarray(0, bitstream.length)).toEqual(Buffer.from(bitstream));
      expect(frame.digest).toBe(digest(value as Buffer));
    });
  });

  it('takes one fragment per frame when the offset table is empty and the counts agree', () => {
    const file = multiFrameInstance({ bitstreams: [fakeBitstream(40, 1), fakeBitstream(40, 2)] });
    const dataSet = dicomParser.parseDicom(file);
    const pixelData = dataSet.elements.x7fe00010 as dicomParser.Element;
    pixelData.basicOffsetTable = [];

    const layout = instanceLayout(dataSet, file, {
      rows: 16,
      columns: 16,
      frames: 2,
      encapsulated: true,
      frameBits: 2048,
    });

    expect(layout.pixelData?.frames?.map((frame) => itemValues(slice(file, frame)).length)).toEqual([1, 1]);
  });

  it('gives a single frame every fragment, and refuses to guess when fragments outnumber frames without a table', () => {
    const file = multiFrameInstance({ bitstreams: [fakeBitstream(40, 1), fakeBitstream(40, 2)] });
    const dataSet = dicomParser.parseDicom(file);
    const pixelData = dataSet.elements.x7fe00010 as dicomParser.Element;
    pixelData.basicOffsetTable = [];
    const fragments = pixelData.fragments ?? [];

    const single = instanceLayout(dataSet, file, {
      rows: 16,
      columns: 16,
      frames: 1,
      encapsulated: true,
      frameBits: 2048,
    });
    pixelData.fragments = [...fragments, ...fragments];
    const ambiguous = instanceLayout(dataSet, file, {
      rows: 16,
      columns: 16,
      frames: 2,
      encapsulated: true,
      frameBits: 2048,
    });

    expect(single.pixelData?.frames).toHaveLength(1);
    expect(itemValues(slice(file, single.pixelData?.frames?.[0] as never))).toHaveLength(2);
    expect(ambiguous.pixelData?.frames).toBeNull();
  });

  it('records binary values over 1 KiB as bulk data, nested ones by their sequence path, and nothing smaller', () => {
    const document = new Uint8Array(3000).fill(5);
    const icon = new Uint8Array(1500).fill(9);
    const file = ctInstance({
      extra: {
        EncapsulatedDocument: document.buffer,
        IconImageSequence: [{ Rows: 8, Columns: 8, PixelData: icon.buffer, _vrMap: { PixelData: 'OB' } }],
        RedPaletteColorLookupTableData: new Uint16Array(8).buffer,
      },
    });

    const { bulkData } = layoutOf(file);

    expect(bulkData.map((value) => value.path)).toEqual(['00420011', '00880200.0.7FE00010']);
    expect(slice(file, bulkData[0] as never)).toEqual(Buffer.from(document));
    expect(slice(file, bulkData[1] as never)).toEqual(Buffer.from(icon));
    expect(bulkData[1]?.digest).toBe(digest(icon));
  });

  it('gives BulkDataURIs only to recorded values, and PixelData one of its own', () => {
    const parsed = readPart10(ctInstance({ extra: { EncapsulatedDocument: new Uint8Array(3000).buffer } }));
    const unrecorded = { ...parsed, layout: { ...parsed.layout, bulkData: [] } };

    const metadata = instanceMetadata(parsed);
    const without = instanceMetadata(unrecorded);

    const base = `/dicomweb/studies/${parsed.studyInstanceUid}/series/${parsed.seriesInstanceUid}/instances/${parsed.sopInstanceUid}`;
    expect(metadata['00420011']).toEqual({ vr: 'OB', BulkDataURI: `${base}/bulkdata/00420011` });
    expect(metadata['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: `${base}/bulkdata/7FE00010` });
    expect(without['00420011']).toEqual({ vr: 'OB' });
  });

  it('records at most a bounded number of bulk data values', () => {
    const items = Array.from({ length: MAX_BULK_DATA_VALUES + 5 }, () => ({
      Rows: 8,
      Columns: 8,
      PixelData: new Uint8Array(1100).buffer,
      _vrMap: { PixelData: 'OB' },
    }));

    const { bulkData } = layoutOf(ctInstance({ extra: { IconImageSequence: items } }));

    expect(bulkData).toHaveLength(MAX_BULK_DATA_VALUES);
  });

  it('packs frame tables to 28 bytes a frame and reads them back unchanged', () => {
    const frames = layoutOf(multiFrameInstance({ frames: 5 })).pixelData?.frames ?? [];

    const packed = packFrameTable(frames);

    expect(packed.byteLength).toBe(5 * 28);
    expect(unpackFrameTable(packed)).toEqual(frames);
    expect(() => unpackFrameTable(packed.subarray(0, 30))).toThrow();
  });
});
