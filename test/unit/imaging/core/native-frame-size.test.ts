import type { ImagingIndex, StoredInstance } from '../../../../functions/imaging/core/ports';
import { frameParts, framesToRetrieve, parseFrameList } from '../../../../functions/imaging/core/retrieve';
import { storeInstance } from '../../../../functions/imaging/core/store-instances';
import { ctInstance } from '../../../support/dicom-files';
import { fixedClock, sequentialIds } from '../../../support/fakes';
import { customer, MemoryImaging } from '../../../support/imaging-fakes';

/** One YBR_FULL_422 frame as stored: Y1 Y2 Cb Cr for each horizontal pair of pixels, distinct per frame. */
function ybr422Frame(rows: number, columns: number, frame: number): Buffer {
  return Buffer.from(new Uint8Array(rows * columns * 2).map((_, index) => (index * 7 + frame * 101) % 251));
}

/** A native multi-frame image in YBR_FULL_422, 8 bits a sample, as an ultrasound cine loop is sent. */
function ybr422Instance(rows: number, columns: number, frames: Buffer[]): Buffer {
  const pixels = Buffer.concat(frames);
  return ctInstance({
    rows,
    columns,
    extra: {
      SamplesPerPixel: 3,
      PhotometricInterpretation: 'YBR_FULL_422',
      PlanarConfiguration: 0,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      NumberOfFrames: String(frames.length),
      PixelData: [pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength)],
      _vrMap: { PixelData: 'OB' },
    },
  });
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The in-memory imaging fakes, indexing what the store use case hands the index (layout included). */
function storingImaging() {
  const imaging = new MemoryImaging();
  const index: ImagingIndex = {
    ...imaging.deps.index,
    addInstance: async (instance, parsed) => {
      const stored: StoredInstance = {
        ...instance,
        patientId: parsed.attributes.patientId,
        layout: parsed.layout,
      };
      imaging.instances.push(stored);
      return 'added';
    },
  };
  const deps = { ...imaging.deps, index, clock: fixedClock(), ids: sequentialIds('obj') };
  return { imaging, deps };
}

describe('native frame size, one definition for ingest and retrieval', () => {
  it('returns exactly frame 2 of a stored two-frame YBR_FULL_422 image', async () => {
    const { imaging, deps } = storingImaging();
    const frames = [ybr422Frame(6, 8, 0), ybr422Frame(6, 8, 1)];

    const outcome = await storeInstance(
      deps,
      'org-a',
      {
        contentType: 'application/dicom',
        body: ybr422Instance(6, 8, frames),
      },
      null,
    );
    expect(outcome).toMatchObject({ status: 'stored' });
    const instance = imaging.instances[0] as StoredInstance;
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    const selection = await framesToRetrieve(deps, customer('org-a'), ids, parseFrameList('2'));
    const [part] = frameParts(deps, selection, 'application/octet-stream');
    const body = await collect(await (part as { open: () => Promise<AsyncIterable<Uint8Array>> }).open());

    // 6 × 8 pixels at two stored samples of one byte each: 96 bytes, right after frame 1's.
    expect(body).toEqual(frames[1]);
    expect(imaging.reads.at(-1)?.range?.end).toBe((imaging.reads.at(-1)?.range?.start ?? 0) + 96);
    expect(instance.layout?.pixelData?.frames?.map((frame) => frame.length)).toEqual([96, 96]);
  });
});
