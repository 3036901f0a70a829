import {
  type DecodedFrame,
  displayForViewport,
  displayPixels,
  resolveLut,
} from '../../../../functions/imaging/core/rendering/display-pixels';
import type { PixelModule } from '../../../../functions/imaging/core/rendering/pixel-module';
import { renderOptions, thumbnailOptions } from '../../../../functions/imaging/core/rendering/render-options';
import { InvalidInputError } from '../../../../functions/shared/errors';

/** A 2×2 greyscale module; each case overrides what it exercises. */
const grey = (overrides: Partial<PixelModule> = {}): PixelModule => ({
  rows: 2,
  columns: 2,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  highBit: 15,
  signed: false,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  frames: 1,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  windows: [],
  voiLutFunction: 'linear',
  palette: null,
  ...overrides,
});

const frame = (bytes: number[], overrides: Partial<DecodedFrame> = {}): DecodedFrame => ({
  bytes: new Uint8Array(bytes),
  littleEndian: true,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  ...overrides,
});

const words = (values: number[], littleEndian = true) => {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((value, index) => {
    view.setUint16(index * 2, value & 0xffff, littleEndian);
  });
  return [...new Uint8Array(view.buffer)];
};

describe('display pixels', () => {
  it('reads big endian samples as their little endian twins', () => {
    const values = [0, 1000, 2000, 4095];
    const window = { center: 2048, width: 4096, function: 'linear' as const };
    const le = displayPixels(grey(), frame(words(values)), window, null);
    const be = displayPixels(grey(), frame(words(values, false), { littleEndian: false }), window, null);
    expect([...be.data]).toEqual([...le.data]);
    expect([...le.data]).toEqual([0, 62, 124, 255]);
  });

  it('sign-extends 12 stored bits and applies the rescale before the window', () => {
    // 0xFFF is -1 in 12 bits; rescale 2x + 10 maps -1 → 8, 0 → 10, 1 → 12, 2047 → 4104.
    const module = grey({ bitsStored: 12, highBit: 11, signed: true, rescaleSlope: 2, rescaleIntercept: 10 });
    const out = displayPixels(
      module,
      frame(words([0xfff, 0, 1, 2047])),
      { center: 10, width: 4, function: 'linear-exact' },
      null,
    );
    expect([...out.data]).toEqual([0, 127, 255, 255]);
  });

  it('falls back to the first window of the file, then to the range of the values', () => {
    const values = frame(words([100, 200, 300, 400]));
    const own = displayPixels(grey({ windows: [{ center: 250, width: 100 }] }), values, null, null);
    expect([...own.data]).toEqual([0, 0, 255, 255]);
    const range = displayPixels(grey(), values, null, null);
    expect([...range.data]).toEqual([0, 85, 170, 255]);
  });

  it('inverts MONOCHROME1 and maps sigmoid windows around their centre', () => {
    const values = frame(words([0, 100, 200, 300]));
    const window = { center: 150, width: 300, function: 'linear-exact' as const };
    const normal = displayPixels(grey(), values, window, null);
    const inverted = displayPixels(grey({ photometricInterpretation: 'MONOCHROME1' }), values, window, null);
    expect([...inverted.data]).toEqual([...normal.data].reverse());
    expect([...normal.data]).toEqual([0, 85, 170, 255]);
    const sigmoid = displayPixels(grey(), values, { center: 150, width: 300, function: 'sigmoid' }, null);
    expect(sigmoid.data[1]).toBeLessThan(128);
    expect(sigmoid.data[2]).toBeGreaterThan(127);
  });

  it('interleaves planar RGB and converts YBR_FULL', () => {
    const rgb = {
      samplesPerPixel: 3,
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
      photometricInterpretation: 'RGB',
    };
    const planar = displayPixels(
      grey(rgb),
      frame([1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24], {
        planarConfiguration: 1,
        photometricInterpretation: 'RGB',
      }),
      null,
      null,
    );
    expect([...planar.data.subarray(0, 6)]).toEqual([1, 11, 21, 2, 12, 22]);
    const ybr = displayPixels(
      grey({ ...rgb, photometricInterpretation: 'YBR_FULL' }),
      frame([128, 128, 128, 255, 128, 128, 0, 128, 128, 76, 85, 255], {
        photometricInterpretation: 'YBR_FULL',
      }),
      null,
      null,
    );
    expect([...ybr.data]).toEqual([128, 128, 128, 255, 255, 255, 0, 0, 0, 254, 0, 0]);
  });

  it('maps palette colour through its lookup tables, clamping indices outside them', () => {
    const lut = (scale: number) =>
      resolveLut(
        { entries: 4, firstMapped: 1, bits: 16 },
        new Uint8Array(words([0, 1, 2, 3].map((i) => i * scale * 256))),
      );
    const module = grey({
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
      photometricInterpretation: 'PALETTE COLOR',
    });
    const out = displayPixels(module, frame([0, 1, 2, 9]), null, {
      red: lut(80),
      green: lut(40),
      blue: lut(10),
    });
    expect(out.channels).toBe(3);
    expect([...out.data]).toEqual([0, 0, 0, 0, 0, 0, 80, 40, 10, 240, 120, 30]);
  });
});

describe('display pixels by table', () => {
  /** A small deterministic generator, so a failing case can be replayed. */
  const generator = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  /**
   * Words packed at an offset into their buffer: an odd one cannot be viewed as 16-bit words in place
   * (they are copied), 2 can but not as pairs of them (read one by one), 0 is read by pairs.
   */
  const packed = (values: number[], bitsAllocated: 8 | 16, littleEndian: boolean, offset: number) => {
    const bytes = new Uint8Array(offset + values.length * (bitsAllocated / 8));
    const view = new DataView(bytes.buffer);
    values.forEach((value, index) => {
      if (bitsAllocated === 8) bytes[offset + index] = value;
      else view.setUint16(offset + index * 2, value, littleEndian);
    });
    return frame([], { bytes: bytes.subarray(offset), littleEndian });
  };
  /** The same words as 32-bit ones, which are mapped pixel by pixel. */
  const asWideWords = (values: number[]) => {
    const wide = new DataView(new ArrayBuffer(values.length * 4));
    values.forEach((value, index) => {
      wide.setUint32(index * 4, value, true);
    });
    return frame([...new Uint8Array(wide.buffer)]);
  };

  it('gives 8- and 16-bit frames the bytes the pixel-by-pixel mapping of 32-bit words gives', () => {
    // 32-bit words are mapped pixel by pixel; the same stored values as 16-bit (or 8-bit) words go
    // through the table of the words that occur. Every parameter the mapping reads is varied.
    const random = generator(7);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
    for (let run = 0; run < 120; run += 1) {
      const bitsAllocated = pick([8, 16] as const);
      const bitsStored = 1 + Math.floor(random() * bitsAllocated);
      const highBit = bitsStored - 1 + Math.floor(random() * (bitsAllocated - bitsStored + 1));
      const rows = 1 + Math.floor(random() * 9);
      const columns = 1 + Math.floor(random() * 9);
      const module = grey({
        rows,
        columns,
        bitsAllocated,
        bitsStored,
        highBit,
        signed: random() < 0.5,
        photometricInterpretation: pick(['MONOCHROME1', 'MONOCHROME2']),
        rescaleSlope: pick([1, 2.5, -1, 0.001]),
        rescaleIntercept: pick([0, -1024, 17.25]),
        windows: random() < 0.3 ? [{ center: random() * 2000 - 500, width: 1 + random() * 3000 }] : [],
        voiLutFunction: pick(['linear', 'linear-exact', 'sigmoid'] as const),
      });
      const window =
        random() < 0.4
          ? {
              center: random() * 4000 - 1000,
              width: 1 + random() * 4000,
              function: pick(['linear', 'linear-exact', 'sigmoid'] as const),
            }
          : null;
      // Whole words, high bits included: what lies outside BitsStored must be masked off.
      const values = Array.from({ length: rows * columns }, () => Math.floor(random() * 2 ** bitsAllocated));
      const littleEndian = random() < 0.7;
      const byTable = displayPixels(
        module,
        packed(values, bitsAllocated, littleEndian, pick([0, 1, 2])),
        window,
        null,
      );
      const byPixel = displayPixels({ ...module, bitsAllocated: 32 }, asWideWords(values), window, null);
      expect({ run, data: [...byTable.data] }).toEqual({ run, data: [...byPixel.data] });
    }
  });

  it('reads a big-endian frame too large to copy word by word, to the bytes its little-endian twin gives', () => {
    // 2049 × 2048 16-bit words are 8 MiB and 4 KiB: more than is copied to read them as a typed array.
    const module = grey({ rows: 2049, columns: 2048, bitsStored: 12, highBit: 11, signed: true });
    const values = Array.from({ length: 2049 * 2048 }, (_, index) => (index * 37) % 4096);
    const window = { center: 100, width: 1000, function: 'linear' as const };
    const little = displayPixels(module, packed(values, 16, true, 0), window, null);
    const big = displayPixels(module, packed(values, 16, false, 0), window, null);
    expect(Buffer.from(big.data).equals(Buffer.from(little.data))).toBe(true);
    expect(new Set(little.data).size).toBeGreaterThan(200);
  });

  it('maps palette colour by table to the bytes the pixel-by-pixel path gives', () => {
    const random = generator(11);
    for (let run = 0; run < 40; run += 1) {
      const bitsAllocated: 8 | 16 = random() < 0.5 ? 8 : 16;
      const bitsStored = 1 + Math.floor(random() * bitsAllocated);
      const signed = random() < 0.3;
      const module = grey({
        rows: 3,
        columns: 5,
        bitsAllocated,
        bitsStored,
        highBit: bitsStored - 1,
        signed,
        photometricInterpretation: 'PALETTE COLOR',
      });
      const lut = () => {
        const entries = 1 + Math.floor(random() * 300);
        const firstMapped = Math.floor(random() * 200) - (signed ? 100 : 0);
        const data = new Uint8Array(Array.from({ length: entries }, () => Math.floor(random() * 256)));
        return resolveLut({ entries, firstMapped, bits: 8 }, data);
      };
      const palette = { red: lut(), green: lut(), blue: lut() };
      const values = Array.from({ length: 15 }, () => Math.floor(random() * 2 ** bitsAllocated));
      const byTable = displayPixels(module, packed(values, bitsAllocated, random() < 0.5, 1), null, palette);
      // The packed frame's byte order does not change its values; the wide words are little endian.
      const byPixel = displayPixels({ ...module, bitsAllocated: 32 }, asWideWords(values), null, palette);
      expect({ run, data: [...byTable.data] }).toEqual({ run, data: [...byPixel.data] });
    }
  });

  it('maps colour samples by table to the bytes the sample-by-sample path gives', () => {
    const random = generator(13);
    const photometrics = ['RGB', 'YBR_FULL', 'YBR_FULL_422'] as const;
    for (let run = 0; run < 60; run += 1) {
      const bitsAllocated: 8 | 16 = random() < 0.5 ? 8 : 16;
      const bitsStored = 1 + Math.floor(random() * bitsAllocated);
      const photometricInterpretation = photometrics[run % 3] as (typeof photometrics)[number];
      // YBR_FULL_422 has two samples a pixel, and an even number of columns.
      const columns = 2 * (1 + Math.floor(random() * 4));
      const rows = 1 + Math.floor(random() * 4);
      const perPixel = photometricInterpretation === 'YBR_FULL_422' ? 2 : 3;
      const planarConfiguration: 0 | 1 = perPixel === 3 && random() < 0.5 ? 1 : 0;
      const module = grey({
        rows,
        columns,
        samplesPerPixel: 3,
        bitsAllocated,
        bitsStored,
        highBit: bitsStored - 1 + Math.floor(random() * (bitsAllocated - bitsStored + 1)),
        photometricInterpretation,
        planarConfiguration,
      });
      const values = Array.from({ length: rows * columns * perPixel }, () =>
        Math.floor(random() * 2 ** bitsAllocated),
      );
      const settings = { photometricInterpretation, planarConfiguration };
      const littleEndian = random() < 0.5;
      const byTable = displayPixels(
        module,
        { ...packed(values, bitsAllocated, littleEndian, 1), ...settings },
        null,
        null,
      );
      const byPixel = displayPixels(
        { ...module, bitsAllocated: 32 },
        { ...asWideWords(values), ...settings },
        null,
        null,
      );
      expect({ run, data: [...byTable.data] }).toEqual({ run, data: [...byPixel.data] });
    }
  });

  it('hands 8-bit interleaved RGB through as the bytes the sample-by-sample path makes of them', () => {
    const rgb = { samplesPerPixel: 3, bitsStored: 8, highBit: 7, photometricInterpretation: 'RGB' };
    const samples = Array.from({ length: 12 }, (_, index) => (index * 53) % 256);
    const asBytes = displayPixels(
      grey({ ...rgb, bitsAllocated: 8 }),
      frame(samples, { photometricInterpretation: 'RGB' }),
      null,
      null,
    );
    const asWords = displayPixels(
      grey({ ...rgb, bitsAllocated: 16 }),
      frame(words(samples), { photometricInterpretation: 'RGB' }),
      null,
      null,
    );
    expect([...asBytes.data]).toEqual(samples);
    expect([...asBytes.data]).toEqual([...asWords.data]);
  });
});

describe('display pixels for a viewport', () => {
  /** An n×n frame of 16-bit words, each from the pixel's row and column. */
  const square = (n: number, valueAt: (row: number, column: number) => number) =>
    Array.from({ length: n * n }, (_, i) => valueAt(Math.floor(i / n), i % n));
  const viewport = (width: number, height = width) => ({ width, height, region: null });

  it.each(['MONOCHROME2', 'MONOCHROME1'])(
    "%s: windows the means of the boxes a twofold-or-more viewport shrinks, with the whole frame's window",
    (photometric) => {
      // Quadrants of 4×4: 100, 1100, 2100, and 3000/4000 alternating (mean 3500).
      const values = square(8, (row, column) =>
        row < 4 ? (column < 4 ? 100 : 1100) : column < 4 ? 2100 : (row + column) % 2 ? 4000 : 3000,
      );
      const module = grey({ rows: 8, columns: 8, photometricInterpretation: photometric });
      const source = frame(words(values), { photometricInterpretation: photometric });

      const shown = displayForViewport(module, source, null, null, viewport(2));

      // The frame's range is 100–4000: the means are shown in it, not in their own 100–3500.
      const wholeWindow = { center: 2050, width: 3900, function: 'linear-exact' as const };
      const means = displayPixels(
        grey({ photometricInterpretation: photometric }),
        frame(words([100, 1100, 2100, 3500]), { photometricInterpretation: photometric }),
        wholeWindow,
        null,
      );
      expect([shown.width, shown.height, shown.channels]).toEqual([2, 2, 1]);
      expect([...shown.data]).toEqual([...means.data]);
      const ownRange = displayPixels(
        grey({ photometricInterpretation: photometric }),
        frame(words([100, 1100, 2100, 3500]), { photometricInterpretation: photometric }),
        null,
        null,
      );
      expect([...shown.data]).not.toEqual([...ownRange.data]);
    },
  );

  it("averages signed stored values, rescaled after, and the request's window wins", () => {
    // 12 stored bits, signed: -1000 and -1002 average to -1001; 500 and 503 to 501.5, rounded to 502.
    const module = grey({ rows: 4, columns: 4, bitsStored: 12, highBit: 11, signed: true, rescaleSlope: 2 });
    const values = square(4, (row, column) =>
      column < 2 ? ((row + column) % 2 ? -1000 : -1002) & 0xfff : (row + column) % 2 ? 500 : 503,
    );
    const window = { center: 0, width: 4000, function: 'linear' as const };

    const shown = displayForViewport(module, frame(words(values)), window, null, viewport(2));

    const means = displayPixels(
      grey({ bitsStored: 12, highBit: 11, signed: true, rescaleSlope: 2 }),
      frame(words([-1001 & 0xfff, 502, -1001 & 0xfff, 502])),
      window,
      null,
    );
    expect([...shown.data]).toEqual([...means.data]);
    expect(shown.data[0]).toBeLessThan(shown.data[1] as number);
  });

  it('averages what an edge box holds when the factor does not divide the frame', () => {
    // 5×5 into 2×2: a factor of 2, so 3×3 boxes, the last column and row one pixel wide.
    const values = square(5, (row, column) => (column === 4 ? 4000 : row === 4 ? 2000 : 1000));
    const window = { center: 2048, width: 4096, function: 'linear' as const };

    const shown = displayForViewport(
      grey({ rows: 5, columns: 5 }),
      frame(words(values)),
      window,
      null,
      viewport(2),
    );

    const means = displayPixels(
      grey({ rows: 3, columns: 3 }),
      frame(words([1000, 1000, 4000, 1000, 1000, 4000, 2000, 2000, 4000])),
      window,
      null,
    );
    expect([shown.width, shown.height]).toEqual([3, 3]);
    expect([...shown.data]).toEqual([...means.data]);
  });

  it('leaves less than twofold, regions, colour and palettes to the whole frame', () => {
    const module = grey({ rows: 8, columns: 8 });
    const source = frame(words(square(8, (row, column) => row * 8 + column)));
    const whole = displayPixels(module, source, null, null);
    for (const asked of [
      viewport(5),
      { width: 2, height: 2, region: { left: 0, top: 0, width: 8, height: 8 } },
    ]) {
      const shown = displayForViewport(module, source, null, null, asked);
      expect([shown.width, shown.height]).toEqual([8, 8]);
      expect([...shown.data]).toEqual([...whole.data]);
    }
    expect(displayForViewport(module, source, null, null, null).data).toEqual(whole.data);
    const rgb = grey({
      rows: 2,
      columns: 2,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
    });
    const samples = frame(
      Array.from({ length: 12 }, (_, i) => i * 20),
      { photometricInterpretation: 'RGB' },
    );
    expect(displayForViewport(rgb, samples, null, null, viewport(1)).width).toBe(2);
  });
});

describe('render options', () => {
  it('defaults quality to 90 and gives thumbnails a 128-pixel viewport unless one is asked for', () => {
    const options = renderOptions({}, 'image/jpeg');
    expect(options).toEqual({ mediaType: 'image/jpeg', quality: 90, viewport: null, window: null });
    expect(thumbnailOptions(options).viewport).toEqual({ width: 128, height: 128, region: null });
    const asked = renderOptions({ viewport: '64,32' }, 'image/png');
    expect(thumbnailOptions(asked).viewport).toEqual({ width: 64, height: 32, region: null });
  });

  it.each([
    ['window', '40,0,linear'],
    ['window', '40,0.5,linear'],
    ['window', '40,0,sigmoid'],
    ['window', '40,-5,linear-exact'],
    ['viewport', '100000,100'],
    ['viewport', '0,100'],
    ['viewport', '100,100,-1,0,10,10'],
    ['viewport', '100,100,0,0,0,10'],
  ])('refuses %s=%s with a 400 naming the parameter', (name, value) => {
    let thrown: unknown;
    try {
      renderOptions({ [name]: value }, 'image/png');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).issues[0]?.path).toBe(name);
  });

  it('accepts the DICOM spellings of the VOI functions', () => {
    expect(renderOptions({ window: '40,0.5,LINEAR_EXACT' }, 'image/png').window).toEqual({
      center: 40,
      width: 0.5,
      function: 'linear-exact',
    });
  });
});
