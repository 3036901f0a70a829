import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { DcmjsTranscoder } from '../../../../functions/imaging/adapters/dcmjs-transcoder';
import { WasmFrameDecoder } from '../../../../functions/imaging/adapters/wasm-frame-decoder';
import { decodedFrameModule, decodedFrames } from '../../../../functions/imaging/core/decoded-frames';
import { frameParts, framesToRetrieve, instanceParts } from '../../../../functions/imaging/core/retrieve';
import {
  canTranscode,
  TRANSCODE_LIMITS,
  transcodedTo,
  withinTranscodeLimits,
} from '../../../../functions/imaging/core/transcode';
import { PayloadTooLargeError } from '../../../../functions/shared/errors';
import { customer, MemoryImaging } from '../../../support/imaging-fakes';

const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const EXPLICIT = '1.2.840.10008.1.2.1';
const RLE = '1.2.840.10008.1.2.5';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const J2K = '1.2.840.10008.1.2.4.90';
const HTJ2K = '1.2.840.10008.1.2.4.201';

const sample = (name: string) => readFileSync(`${SAMPLES}/${name}`);

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The transfer syntax and native pixel bytes of a Part-10 file. */
function pixelsOf(file: Uint8Array) {
  const dataSet = dicomParser.parseDicom(file);
  const element = dataSet.elements.x7fe00010;
  return {
    syntax: dataSet.string('x00020010'),
    pixels: Buffer.from(
      file.subarray(element?.dataOffset, (element?.dataOffset ?? 0) + (element?.length ?? 0)),
    ),
  };
}

const transcoder = new DcmjsTranscoder();

describe('transcoding on retrieval', () => {
  it('decompresses anything decodable, recompresses only what was lossless, and refuses the rest', () => {
    expect(canTranscode(transcoder, RLE, EXPLICIT)).toBe(true);
    expect(canTranscode(transcoder, JPEG_BASELINE, EXPLICIT)).toBe(true);
    expect(canTranscode(transcoder, EXPLICIT, JPEG_LS)).toBe(true);
    expect(canTranscode(transcoder, RLE, HTJ2K)).toBe(true);
    // Lossy → lossless would claim a fidelity the pixels no longer have; lossy targets are not offered.
    expect(canTranscode(transcoder, JPEG_BASELINE, JPEG_LS)).toBe(false);
    expect(canTranscode(transcoder, EXPLICIT, JPEG_BASELINE)).toBe(false);
    expect(canTranscode(transcoder, JPEG_EXTENDED, EXPLICIT)).toBe(true);
    expect(canTranscode(transcoder, JPEG_EXTENDED, JPEG_LS)).toBe(false);
    expect(canTranscode(transcoder, JPEG_EXTENDED, JPEG_EXTENDED)).toBe(true);
  });

  it('sends an RLE instance as Explicit VR Little Endian with the very pixels of the uncompressed original', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(sample('MR_small_RLE.dcm'));
    const [part] = instanceParts(imaging.deps, [instance]).map((p) =>
      transcodedTo(transcoder, EXPLICIT)(p, instance),
    );

    const file = await collect(await (part?.open() ?? Promise.reject(new Error('no part'))));

    expect(part?.contentType).toBe(`application/dicom; transfer-syntax=${EXPLICIT}`);
    const sent = pixelsOf(file);
    expect(sent.syntax).toBe(EXPLICIT);
    expect(sent.pixels.equals(pixelsOf(sample('MR_small.dcm')).pixels)).toBe(true);
  });

  it.each([RLE, JPEG_LS, J2K, HTJ2K])(
    'recompresses losslessly to %s: decoded again, the pixels are unchanged',
    async (target) => {
      const imaging = new MemoryImaging();
      const instance = imaging.store(sample('MR_small.dcm'));
      const [part] = instanceParts(imaging.deps, [instance]).map((p) =>
        transcodedTo(transcoder, target)(p, instance),
      );

      const compressed = await collect(await (part?.open() ?? Promise.reject(new Error('no part'))));
      expect(pixelsOf(compressed).syntax).toBe(target);
      const back = await transcoder.transcode(compressed, EXPLICIT);
      expect(pixelsOf(back).pixels.equals(pixelsOf(sample('MR_small.dcm')).pixels)).toBe(true);
    },
  );

  it('decompresses JPEG Extended (12-bit) and JPEG Lossless Process 14 frame by frame, as dcmtk does', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'pacscribe-transcode-'));
    try {
      const process14 = path.join(work, 'process14.dcm');
      const extended = path.join(work, 'extended.dcm');
      execFileSync('dcmcjpeg', ['+el', `${SAMPLES}/MR_small.dcm`, process14]);
      execFileSync('dcmdjpeg', [`${SAMPLES}/JPGExtended.dcm`, extended]);
      for (const [file, reference] of [
        [process14, sample('MR_small.dcm')],
        [`${SAMPLES}/JPGExtended.dcm`, readFileSync(extended)],
      ] as const) {
        const native = await transcoder.transcode(readFileSync(file), EXPLICIT);
        expect(pixelsOf(native).syntax).toBe(EXPLICIT);
        expect(pixelsOf(native).pixels.equals(pixelsOf(reference).pixels)).toBe(true);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('passes a part already in the asked syntax through untouched', () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(sample('MR_small.dcm'));
    const [part] = instanceParts(imaging.deps, [instance]);
    expect(transcodedTo(transcoder, EXPLICIT)(part as never, instance)).toBe(part);
    expect(transcodedTo(transcoder, null)(part as never, instance)).toBe(part);
  });

  it('refuses with 413 an instance too large to hold while transcoding, before reading it', () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(sample('MR_small_RLE.dcm'));
    expect(() =>
      withinTranscodeLimits([instance], EXPLICIT, { ...TRANSCODE_LIMITS, maxPixels: 4095 }),
    ).toThrow(PayloadTooLargeError);
    expect(() => withinTranscodeLimits([instance], RLE, { ...TRANSCODE_LIMITS, maxPixels: 1 })).not.toThrow();
    expect(imaging.reads).toHaveLength(0);
  });

  it('decodes only the asked frames of a multi-frame RLE instance to native little endian', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(sample('rtdose_rle.dcm'));
    const selection = await framesToRetrieve(
      imaging.deps,
      customer('org-a'),
      {
        study: instance.studyInstanceUid,
        series: instance.seriesInstanceUid,
        instance: instance.sopInstanceUid,
      },
      [3],
    );
    const module = await decodedFrameModule(imaging.deps.index, selection);
    const [part] = frameParts(imaging.deps, selection, 'application/octet-stream').map(
      decodedFrames(new WasmFrameDecoder(), module, RLE),
    );

    const frame = await collect(await (part?.open() ?? Promise.reject(new Error('no part'))));

    // The uncompressed twin of the sample: 10 × 10 32-bit pixels a frame.
    const frameBytes = 10 * 10 * 4;
    const native = pixelsOf(sample('rtdose.dcm')).pixels.subarray(2 * frameBytes, 3 * frameBytes);
    expect(frame.equals(native)).toBe(true);
    expect(imaging.reads).toHaveLength(1);
  });
});
