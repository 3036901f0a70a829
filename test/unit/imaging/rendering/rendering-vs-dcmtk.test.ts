import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Transcoder } from 'dcmjs-codecs';
import sharp from 'sharp';
import { codecsReady } from '../../../../functions/imaging/adapters/wasm-frame-decoder';
import { renderFrame } from '../../../../functions/imaging/core/rendering/render';
import type { RenderOptions, VoiWindow } from '../../../../functions/imaging/core/rendering/render-options';
import { memoryRendering } from '../../../support/rendering-fakes';

/**
 * Renders real sample files of every transfer syntax PACScribe decodes and compares each pixel with
 * dcmtk's dcm2pnm (dcmj2pnm, dcml2pnm) given the same window. dcmtk 3.6.7 cannot decode JPEG 2000 or HTJ2K: those files are
 * compared with dcmtk's render of the same pixels uncompressed. Prints the mean and maximum difference.
 */
const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const HTJ2K_LOSSLESS = '1.2.840.10008.1.2.4.201';

interface Case {
  name: string;
  syntax: string;
  file: () => string;
  /** The uncompressed file dcmtk renders, when it cannot decode `file` itself. */
  reference?: () => string;
  window?: VoiWindow;
  frame?: number;
  /** Largest per-sample difference allowed: 0, except native YBR_FULL_422, where dcmtk rounds its colour conversion differently. */
  tolerance: number;
}

let work: string;
const sample = (name: string) => () => path.join(SAMPLES, name);
const derived = (name: string) => () => path.join(work, name);
const linear = (center: number, width: number): VoiWindow => ({ center, width, function: 'linear' });

const CASES: Case[] = [
  {
    name: 'Explicit VR LE, signed 16-bit MR',
    syntax: '1.2.840.10008.1.2.1',
    file: sample('MR_small.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'Explicit VR LE, CT with rescale',
    syntax: '1.2.840.10008.1.2.1',
    file: sample('CT_small.dcm'),
    window: linear(40, 400),
    tolerance: 0,
  },
  {
    name: 'Implicit VR LE',
    syntax: '1.2.840.10008.1.2',
    file: sample('MR_small_implicit.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'Explicit VR LE, MONOCHROME1',
    syntax: '1.2.840.10008.1.2.1',
    file: derived('mr_monochrome1.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'Explicit VR LE, RGB',
    syntax: '1.2.840.10008.1.2.1',
    file: sample('SC_rgb_small_odd.dcm'),
    tolerance: 0,
  },
  {
    name: 'Explicit VR LE, YBR_FULL_422',
    syntax: '1.2.840.10008.1.2.1',
    file: sample('SC_ybr_full_422_uncompressed.dcm'),
    tolerance: 1,
  },
  {
    name: 'Explicit VR LE, multi-frame 32-bit dose, frame 3',
    syntax: '1.2.840.10008.1.2.1',
    file: derived('rtdose_native.dcm'),
    frame: 3,
    window: linear(2_000_000, 4_000_000),
    tolerance: 0,
  },
  {
    name: 'RLE, signed 16-bit MR',
    syntax: '1.2.840.10008.1.2.5',
    file: sample('MR_small_RLE.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  { name: 'RLE, RGB', syntax: '1.2.840.10008.1.2.5', file: sample('SC_rgb_rle.dcm'), tolerance: 0 },
  {
    name: 'RLE, 16-bit RGB, frame 2',
    syntax: '1.2.840.10008.1.2.5',
    file: sample('SC_rgb_rle_16bit_2frame.dcm'),
    frame: 2,
    tolerance: 0,
  },
  {
    name: 'RLE, multi-frame 32-bit dose, frame 3',
    syntax: '1.2.840.10008.1.2.5',
    file: sample('rtdose_rle.dcm'),
    frame: 3,
    window: linear(2_000_000, 4_000_000),
    tolerance: 0,
  },
  {
    name: 'JPEG baseline, YBR_FULL',
    syntax: '1.2.840.10008.1.2.4.50',
    file: sample('SC_rgb_jpeg_dcmtk.dcm'),
    tolerance: 0,
  },
  {
    name: 'JPEG baseline, YBR_FULL_422',
    syntax: '1.2.840.10008.1.2.4.50',
    file: sample('SC_rgb_dcmtk_+eb+cy+np.dcm'),
    tolerance: 0,
  },
  {
    name: 'JPEG extended, 12-bit',
    syntax: '1.2.840.10008.1.2.4.51',
    file: sample('JPGExtended.dcm'),
    window: linear(2048, 4096),
    tolerance: 0,
  },
  {
    name: 'JPEG lossless, process 14',
    syntax: '1.2.840.10008.1.2.4.57',
    file: derived('mr_process14.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'JPEG lossless, SV1',
    syntax: '1.2.840.10008.1.2.4.70',
    file: derived('mr_sv1.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'JPEG-LS lossless',
    syntax: '1.2.840.10008.1.2.4.80',
    file: sample('MR_small_jpeg_ls_lossless.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'JPEG-LS near-lossless, RGB',
    syntax: '1.2.840.10008.1.2.4.81',
    file: derived('rgb_jls_near.dcm'),
    tolerance: 0,
  },
  {
    name: 'JPEG 2000 lossless (vs dcmtk on the uncompressed original)',
    syntax: '1.2.840.10008.1.2.4.90',
    file: sample('MR_small_jp2klossless.dcm'),
    reference: sample('MR_small.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
  {
    name: 'HTJ2K lossless (vs dcmtk on the uncompressed original)',
    syntax: HTJ2K_LOSSLESS,
    file: derived('mr_htj2k.dcm'),
    reference: sample('MR_small.dcm'),
    window: linear(600, 1600),
    tolerance: 0,
  },
];

function dcmtk(tool: string, ...args: string[]): void {
  execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function pixelsOf(png: Uint8Array | string) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function dcmtkRender(file: string, testCase: Case): Promise<Awaited<ReturnType<typeof pixelsOf>>> {
  const out = path.join(work, `${path.basename(file)}-${testCase.frame ?? 1}.png`);
  const window = testCase.window
    ? ['+Ww', String(testCase.window.center), String(testCase.window.width)]
    : [];
  // dcm2pnm reads native and RLE data; dcmj2pnm and dcml2pnm are the same tool with the JPEG and JPEG-LS decoders.
  const syntax = testCase.reference ? '1.2.840.10008.1.2.1' : testCase.syntax;
  const tool = syntax.startsWith('1.2.840.10008.1.2.4.8')
    ? 'dcml2pnm'
    : syntax.startsWith('1.2.840.10008.1.2.4.')
      ? 'dcmj2pnm'
      : 'dcm2pnm';
  dcmtk(tool, '+on', '+F', String(testCase.frame ?? 1), ...window, file, out);
  return pixelsOf(out);
}

const results: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pacscribe-render-'));
  const mr = path.join(SAMPLES, 'MR_small.dcm');
  dcmtk('dcmcjpeg', '+el', mr, derived('mr_process14.dcm')());
  dcmtk('dcmcjpeg', '+e1', mr, derived('mr_sv1.dcm')());
  dcmtk('dcmdrle', path.join(SAMPLES, 'SC_rgb_rle.dcm'), derived('rgb_native.dcm')());
  dcmtk('dcmcjpls', '+en', '+md', '2', derived('rgb_native.dcm')(), derived('rgb_jls_near.dcm')());
  dcmtk('dcmdrle', path.join(SAMPLES, 'rtdose_rle.dcm'), derived('rtdose_native.dcm')());
  const monochrome1 = derived('mr_monochrome1.dcm')();
  writeFileSync(monochrome1, readFileSync(mr));
  dcmtk('dcmodify', '-nb', '-m', '(0028,0004)=MONOCHROME1', monochrome1);
  await codecsReady();
  const bytes = readFileSync(mr);
  const transcoder = new Transcoder(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  transcoder.transcode(HTJ2K_LOSSLESS);
  writeFileSync(derived('mr_htj2k.dcm')(), Buffer.from(transcoder.getDicomPart10()));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  // One table for the report: syntax, sample, mean and max difference per pixel sample (0–255).
  console.log(`Rendering vs dcmtk dcm2pnm (mean / max difference per 8-bit sample)\n${results.join('\n')}`);
});

describe('rendering matches dcmtk', () => {
  const { imaging, deps } = memoryRendering();

  it.each(CASES)('$name ($syntax)', async (testCase) => {
    const instance = imaging.store(readFileSync(testCase.file()));
    expect(instance.transferSyntaxUid).toBe(testCase.syntax);
    const options: RenderOptions = {
      mediaType: 'image/png',
      quality: 90,
      viewport: null,
      window: testCase.window ?? null,
    };

    const png = await renderFrame(deps, { instance, frame: testCase.frame ?? 1 }, options);
    const ours = await pixelsOf(png);
    const theirs = await dcmtkRender((testCase.reference ?? testCase.file)(), testCase);

    expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
    let total = 0;
    let max = 0;
    for (let i = 0; i < ours.data.length; i += 1) {
      const difference = Math.abs((ours.data[i] as number) - (theirs.data[i] as number));
      total += difference;
      if (difference > max) max = difference;
    }
    const mean = total / ours.data.length;
    results.push(
      `${testCase.syntax.padEnd(24)} ${testCase.name.padEnd(62)} mean ${mean.toFixed(3)}  max ${max}`,
    );
    // Not a blank image either: the render has contrast where dcmtk's has.
    expect(ours.data.some((value) => value !== ours.data[0])).toBe(true);
    expect(max).toBeLessThanOrEqual(testCase.tolerance);
  });
});

describe('images a viewport shrinks match dcmtk scaling them', () => {
  const { imaging, deps } = memoryRendering();

  // dcmtk scales modality values before its VOI transform (+i 3: bilinear); PACScribe averages each box
  // of stored values before the window (display-pixels.ts, displayForViewport). Sharp scaling the
  // windowed image instead was off by up to 64 of 255 at edges.
  it.each([
    { name: 'MR_small.dcm', size: 32, window: linear(600, 1600) },
    { name: 'MR_small.dcm', size: 16, window: linear(600, 1600) },
    { name: 'CT_small.dcm', size: 64, window: linear(40, 400) },
  ])('$name at $size×$size', async ({ name, size, window }) => {
    const file = path.join(SAMPLES, name);
    const instance = imaging.store(readFileSync(file));
    const png = await renderFrame(
      deps,
      { instance, frame: 1 },
      { mediaType: 'image/png', quality: 90, viewport: { width: size, height: size, region: null }, window },
    );
    const out = path.join(work, `${name}-${size}.png`);
    dcmtk(
      'dcm2pnm',
      '+on',
      '+Ww',
      String(window.center),
      String(window.width),
      '+Sxv',
      String(size),
      '+i',
      '3',
      file,
      out,
    );
    const ours = await pixelsOf(png);
    const theirs = await pixelsOf(out);

    expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
    let max = 0;
    for (let i = 0; i < ours.data.length; i += 1) {
      max = Math.max(max, Math.abs((ours.data[i] as number) - (theirs.data[i] as number)));
    }
    const scaled = `scaled to ${size}×${size}`;
    results.push(`${scaled.padEnd(25)}${name.padEnd(62)} max ${max}`);
    expect(ours.data.some((value) => value !== ours.data[0])).toBe(true);
    expect(max).toBeLessThanOrEqual(1);
  });
});
