import type { PixelModule } from './pixel-module';
import type { VoiWindow } from './render-options';

/** Pixels as a decoder (or the file, for native data) yields them: samples of BitsAllocated bits. */
export interface DecodedFrame {
  bytes: Uint8Array;
  littleEndian: boolean;
  /** After decoding: JPEG decoders hand back RGB for YBR, J2K decoders undo ICT/RCT. */
  photometricInterpretation: string;
  planarConfiguration: 0 | 1;
}

/** An 8-bit raster ready for an image encoder: 1 channel (grey) or 3 (RGB), interleaved. */
export interface DisplayImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Palette lookup tables with their data in hand. */
export interface ResolvedPalette {
  red: ResolvedLut;
  green: ResolvedLut;
  blue: ResolvedLut;
}
export interface ResolvedLut {
  entries: number;
  firstMapped: number;
  /** Entries as 8-bit display values. */
  values: Uint8Array;
}

/** A reader of stored values: masked to BitsStored and sign-extended when PixelRepresentation is 1. */
function sampleReader(module: PixelModule, frame: DecodedFrame): (index: number) => number {
  const view = new DataView(frame.bytes.buffer, frame.bytes.byteOffset, frame.bytes.byteLength);
  const le = frame.littleEndian;
  const bits = module.bitsStored;
  const shift = Math.max(0, module.highBit + 1 - bits);
  const signBit = 2 ** (bits - 1);
  const range = 2 ** bits;
  const raw =
    module.bitsAllocated === 8
      ? (i: number) => frame.bytes[i] as number
      : module.bitsAllocated === 16
        ? (i: number) => view.getUint16(i * 2, le)
        : (i: number) => view.getUint32(i * 4, le);
  const fullWidth = bits === module.bitsAllocated && shift === 0;
  return (i) => {
    let value = fullWidth ? raw(i) : Math.floor(raw(i) / 2 ** shift) % range;
    if (module.signed && value >= signBit) value -= range;
    return value;
  };
}

/** PS3.3 C.11.2.1.2: the three VOI LUT functions, to 0…255. */
function voiMapping(window: VoiWindow): (x: number) => number {
  const { center: c, width: w } = window;
  if (window.function === 'linear-exact') {
    return (x) => (x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255);
  }
  if (window.function === 'sigmoid') return (x) => 255 / (1 + Math.exp((-4 * (x - c)) / w));
  const low = c - 0.5 - (w - 1) / 2;
  const high = c - 0.5 + (w - 1) / 2;
  return (x) => (x <= low ? 0 : x > high ? 255 : ((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
}

const clampByte = (value: number) => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

/**
 * Greyscale: stored value → modality value (rescale) → VOI window → 8 bits, inverted for MONOCHROME1.
 * Without a window, the range of the frame's modality values is the window (two passes, no copy).
 */
function greyscale(module: PixelModule, frame: DecodedFrame, window: VoiWindow | null): Uint8Array {
  const count = module.rows * module.columns;
  const read = sampleReader(module, frame);
  const slope = module.rescaleSlope;
  const intercept = module.rescaleIntercept;
  let chosen =
    window ?? (module.windows[0] ? { ...module.windows[0], function: module.voiLutFunction } : null);
  if (!chosen) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < count; i += 1) {
      const value = read(i) * slope + intercept;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    chosen = {
      center: (min + max) / 2,
      width: Math.max(max - min, Number.EPSILON),
      function: 'linear-exact',
    };
  }
  const map = voiMapping(chosen);
  const invert = module.photometricInterpretation === 'MONOCHROME1';
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) {
    // Truncated, as dcmtk does, after the MONOCHROME1 inversion.
    const value = map(read(i) * slope + intercept);
    out[i] = clampByte(Math.floor(invert ? 255 - value : value));
  }
  return out;
}

function paletteColour(module: PixelModule, frame: DecodedFrame, palette: ResolvedPalette): Uint8Array {
  const count = module.rows * module.columns;
  const read = sampleReader(module, frame);
  const out = new Uint8Array(count * 3);
  const luts = [palette.red, palette.green, palette.blue];
  for (let i = 0; i < count; i += 1) {
    const value = read(i);
    for (let c = 0; c < 3; c += 1) {
      const lut = luts[c] as ResolvedLut;
      const index = Math.min(Math.max(value - lut.firstMapped, 0), lut.entries - 1);
      out[i * 3 + c] = lut.values[index] as number;
    }
  }
  return out;
}

/** PS3.3 C.7.6.3.1.2: YBR_FULL to RGB. */
function ybrToRgb(y: number, cb: number, cr: number, out: Uint8Array, at: number): void {
  out[at] = clampByte(y + 1.402 * (cr - 128));
  out[at + 1] = clampByte(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
  out[at + 2] = clampByte(y + 1.772 * (cb - 128));
}

/**
 * Colour: planar or interleaved samples, RGB or YBR_FULL (three samples a pixel) or native
 * YBR_FULL_422 (Y Y Cb Cr per pair of pixels), scaled to 8 bits.
 */
function colour(module: PixelModule, frame: DecodedFrame): Uint8Array {
  const count = module.rows * module.columns;
  const out = new Uint8Array(count * 3);
  const photometric = frame.photometricInterpretation;
  const scale = 2 ** Math.max(0, module.bitsStored - 8);
  const read = sampleReader({ ...module, signed: false }, frame);
  const sample = (index: number) => Math.min(255, Math.floor(read(index) / scale));
  if (photometric === 'YBR_FULL_422') {
    for (let row = 0; row < module.rows; row += 1) {
      for (let column = 0; column < module.columns; column += 2) {
        const pixel = row * module.columns + column;
        const at = pixel * 2;
        const cb = sample(at + 2);
        const cr = sample(at + 3);
        ybrToRgb(sample(at), cb, cr, out, pixel * 3);
        if (column + 1 < module.columns) ybrToRgb(sample(at + 1), cb, cr, out, (pixel + 1) * 3);
      }
    }
    return out;
  }
  const planar = frame.planarConfiguration === 1;
  const at = (pixel: number, component: number) =>
    planar ? component * count + pixel : pixel * 3 + component;
  const ybr = photometric === 'YBR_FULL';
  for (let pixel = 0; pixel < count; pixel += 1) {
    const a = sample(at(pixel, 0));
    const b = sample(at(pixel, 1));
    const c = sample(at(pixel, 2));
    if (ybr) ybrToRgb(a, b, c, out, pixel * 3);
    else {
      out[pixel * 3] = a;
      out[pixel * 3 + 1] = b;
      out[pixel * 3 + 2] = c;
    }
  }
  return out;
}

/** One decoded frame as 8-bit display pixels (PS3.3 C.7.6.3, C.11: the grayscale and colour pipelines). */
export function displayPixels(
  module: PixelModule,
  frame: DecodedFrame,
  window: VoiWindow | null,
  palette: ResolvedPalette | null,
): DisplayImage {
  const size = { width: module.columns, height: module.rows };
  if (module.samplesPerPixel === 3) return { ...size, channels: 3, data: colour(module, frame) };
  if (palette) return { ...size, channels: 3, data: paletteColour(module, frame, palette) };
  return { ...size, channels: 1, data: greyscale(module, frame, window) };
}

/** Palette LUT data as 8-bit display values: 16-bit entries keep their high byte. */
export function resolveLut(
  lut: { entries: number; firstMapped: number; bits: number },
  data: Uint8Array,
  littleEndian = true,
): ResolvedLut {
  const values = new Uint8Array(lut.entries);
  const wordsPerEntry = data.length >= lut.entries * 2;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < lut.entries; i += 1) {
    if (!wordsPerEntry) values[i] = data[i] ?? 0;
    else {
      const word = i * 2 + 1 < data.length ? view.getUint16(i * 2, littleEndian) : 0;
      values[i] = lut.bits > 8 ? word >> 8 : word & 0xff;
    }
  }
  return { entries: lut.entries, firstMapped: lut.firstMapped, values };
}
