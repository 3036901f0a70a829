import type { PixelModule } from './pixel-module';
import type { Viewport, VoiWindow } from './render-options';

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

/**
 * A sample's stored value from its raw BitsAllocated-bit word: masked to BitsStored below HighBit's
 * place and sign-extended when PixelRepresentation is 1.
 */
function storedValueOf(module: PixelModule): (raw: number) => number {
  const bits = module.bitsStored;
  const shift = Math.max(0, module.highBit + 1 - bits);
  const signBit = 2 ** (bits - 1);
  const range = 2 ** bits;
  const fullWidth = bits === module.bitsAllocated && shift === 0;
  return (raw) => {
    let value = fullWidth ? raw : Math.floor(raw / 2 ** shift) % range;
    if (module.signed && value >= signBit) value -= range;
    return value;
  };
}

/** A reader of stored values, sample by sample (see storedValueOf). */
function sampleReader(module: PixelModule, frame: DecodedFrame): (index: number) => number {
  const view = new DataView(frame.bytes.buffer, frame.bytes.byteOffset, frame.bytes.byteLength);
  const le = frame.littleEndian;
  const raw =
    module.bitsAllocated === 8
      ? (i: number) => frame.bytes[i] as number
      : module.bitsAllocated === 16
        ? (i: number) => view.getUint16(i * 2, le)
        : (i: number) => view.getUint32(i * 4, le);
  const stored = storedValueOf(module);
  return (i) => stored(raw(i));
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/**
 * The most bytes of 16-bit words copied to read them as a typed array (big endian, or at an odd offset).
 * RENDER_LIMITS' bound of under 300 MiB a render counts 288 without it: room for this, not for a copy of
 * a whole frame, so larger frames that cannot be viewed in place are read word by word instead.
 */
const WORD_COPY_LIMIT = 8 * 1024 * 1024;

/**
 * The frame's raw 8- or 16-bit words as a typed array (viewed in place when the byte order and alignment
 * allow, else copied up to WORD_COPY_LIMIT), or null: wider words, larger copies, or a frame holding
 * fewer than `count`.
 */
function rawWords(module: PixelModule, frame: DecodedFrame, count: number): Uint8Array | Uint16Array | null {
  const { bytes } = frame;
  if (module.bitsAllocated === 8) return bytes.length >= count ? bytes.subarray(0, count) : null;
  if (module.bitsAllocated !== 16 || bytes.length < count * 2) return null;
  if (frame.littleEndian === HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  }
  if (count * 2 > WORD_COPY_LIMIT) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Uint16Array(count);
  for (let i = 0; i < count; i += 1) words[i] = view.getUint16(i * 2, frame.littleEndian);
  return words;
}

/** A frame's raw words with the lowest and highest of them (a table spans them). */
interface FrameWords {
  words: Uint8Array | Uint16Array;
  low: number;
  high: number;
}

/**
 * 16-bit words two at a time, as 32-bit ones (host order, little endian: the first word is the low
 * half), when they start on a 4-byte boundary; else null. Reading half as many elements takes the two
 * passes over a 512×512 frame (bounds, table) from about 1.1 ms to 0.7.
 */
function wordPairs(words: Uint8Array | Uint16Array): Uint32Array | null {
  if (!HOST_IS_LITTLE_ENDIAN || !(words instanceof Uint16Array) || words.byteOffset % 4 !== 0) return null;
  return new Uint32Array(words.buffer, words.byteOffset, words.length >>> 1);
}

/*
 * The loops over a frame's words are small functions of their own, each over one kind of array. One
 * function holding both a pairs loop and a words loop was deoptimized hundreds of times in 3,900
 * renders ("insufficient type feedback"); split, each is optimized once or a few times.
 */

/** The lowest and highest of the words (a table spans them); low > high when there are none. */
function wordBounds(words: Uint8Array | Uint16Array): { low: number; high: number } {
  if (words.length === 0) return { low: 1, high: 0 };
  const pairs = wordPairs(words);
  // Small integers, not ±Infinity: the loops then compare integers.
  const bounds = pairs ? pairBounds(pairs, { low: 0xffff, high: 0 }) : { low: 0xffff, high: 0 };
  return boundsFrom(words, pairs ? pairs.length * 2 : 0, bounds);
}

function pairBounds(
  pairs: Uint32Array,
  bounds: { low: number; high: number },
): { low: number; high: number } {
  let { low, high } = bounds;
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i] as number;
    const first = pair & 0xffff;
    const second = pair >>> 16;
    if (first < low) low = first;
    if (first > high) high = first;
    if (second < low) low = second;
    if (second > high) high = second;
  }
  return { low, high };
}

function boundsFrom(
  words: Uint8Array | Uint16Array,
  start: number,
  bounds: { low: number; high: number },
): { low: number; high: number } {
  let { low, high } = bounds;
  for (let i = start; i < words.length; i += 1) {
    const word = words[i] as number;
    if (word < low) low = word;
    if (word > high) high = word;
  }
  return { low, high };
}

/** The frame's words and their bounds, read once for all that needs them; null as rawWords. */
function frameWords(module: PixelModule, frame: DecodedFrame): FrameWords | null {
  const words = rawWords(module, frame, module.rows * module.columns);
  return words ? { words, ...wordBounds(words) } : null;
}

/** Whether each word is its own stored value (unsigned, nothing above BitsStored), as in most frames. */
const wordsAreStoredValues = (module: PixelModule, { high }: FrameWords) =>
  !module.signed && module.highBit + 1 === module.bitsStored && high < 2 ** module.bitsStored;

/** The lowest and highest stored value among the words. */
function storedBounds(module: PixelModule, source: FrameWords): { low: number; high: number } {
  const { words, low, high } = source;
  if (wordsAreStoredValues(module, source)) return { low, high };
  // Else each word that occurs once: masking and the sign reorder them.
  const stored = storedValueOf(module);
  const seen = new Uint8Array(Math.max(0, high - low + 1));
  for (let i = 0; i < words.length; i += 1) seen[(words[i] as number) - low] = 1;
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (let word = low; word <= high; word += 1) {
    if (!seen[word - low]) continue;
    const value = stored(word);
    if (value < lowest) lowest = value;
    if (value > highest) highest = value;
  }
  return { low: lowest, high: highest };
}

/** A byte for each word from the lowest to the highest (index: word − low), each from `byteOf`. */
function wordTable(bounds: { low: number; high: number }, byteOf: (word: number) => number): Uint8Array {
  const table = new Uint8Array(Math.max(0, bounds.high - bounds.low + 1));
  for (let word = bounds.low; word <= bounds.high; word += 1) table[word - bounds.low] = byteOf(word);
  return table;
}

/** out[i] = table[words[i] − low]: 16-bit words by pairs into pairs of bytes (see wordPairs). */
function mapThroughTable({ words, low }: FrameWords, table: Uint8Array, out: Uint8Array): void {
  const pairs = out.byteOffset % 2 === 0 ? wordPairs(words) : null;
  if (pairs) mapPairs(pairs, table, low, new Uint16Array(out.buffer, out.byteOffset, pairs.length));
  mapWordsFrom(words, pairs ? pairs.length * 2 : 0, table, low, out);
}

function mapPairs(pairs: Uint32Array, table: Uint8Array, low: number, out: Uint16Array): void {
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i] as number;
    out[i] = (table[(pair & 0xffff) - low] as number) | ((table[(pair >>> 16) - low] as number) << 8);
  }
}

function mapWordsFrom(
  words: Uint8Array | Uint16Array,
  start: number,
  table: Uint8Array,
  low: number,
  out: Uint8Array,
): void {
  for (let i = start; i < words.length; i += 1) out[i] = table[(words[i] as number) - low] as number;
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
 * The VOI window a greyscale frame is shown with: the request's, else the instance's first, else the
 * range of the frame's modality values.
 */
function greyscaleWindow(
  module: PixelModule,
  frame: DecodedFrame,
  window: VoiWindow | null,
  words: FrameWords | null,
): VoiWindow {
  const chosen =
    window ?? (module.windows[0] ? { ...module.windows[0], function: module.voiLutFunction } : null);
  if (chosen) return chosen;
  const slope = module.rescaleSlope;
  const intercept = module.rescaleIntercept;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const consider = (value: number) => {
    if (value < min) min = value;
    if (value > max) max = value;
  };
  if (words) {
    // Modality values are linear in stored values: the extremes come from the extremes.
    const stored = storedBounds(module, words);
    consider(stored.low * slope + intercept);
    consider(stored.high * slope + intercept);
  } else {
    const count = module.rows * module.columns;
    const read = sampleReader(module, frame);
    for (let i = 0; i < count; i += 1) consider(read(i) * slope + intercept);
  }
  return { center: (min + max) / 2, width: Math.max(max - min, Number.EPSILON), function: 'linear-exact' };
}

/**
 * Greyscale: stored value → modality value (rescale) → VOI window → 8 bits, inverted for MONOCHROME1.
 * Without a window, the range of the frame's modality values is the window.
 *
 * A pixel's display value depends on its raw word alone, so 8- and 16-bit frames are mapped through a
 * table of the words that occur (a 512×512 CT frame: about 10 ms pixel by pixel, about 1 ms by table); wider
 * words are mapped pixel by pixel. Both apply the same functions, so the bytes are the same.
 */
function greyscale(module: PixelModule, frame: DecodedFrame, window: VoiWindow | null): Uint8Array {
  const count = module.rows * module.columns;
  const slope = module.rescaleSlope;
  const intercept = module.rescaleIntercept;
  const words = frameWords(module, frame);
  const stored = storedValueOf(module);
  const read = sampleReader(module, frame);
  const map = voiMapping(greyscaleWindow(module, frame, window, words));
  const invert = module.photometricInterpretation === 'MONOCHROME1';
  // Truncated, as dcmtk does, after the MONOCHROME1 inversion.
  const display = (storedValue: number) => {
    const value = map(storedValue * slope + intercept);
    return clampByte(Math.floor(invert ? 255 - value : value));
  };
  const out = new Uint8Array(count);
  if (words) {
    const table = wordTable(words, (word) => display(stored(word)));
    mapThroughTable(words, table, out);
    return out;
  }
  for (let i = 0; i < count; i += 1) out[i] = display(read(i));
  return out;
}

/**
 * A greyscale frame of 8- or 16-bit words reduced `factor` times in each direction: each pixel the mean
 * stored value of its factor × factor box (at the right and bottom edges, of the pixels the box holds),
 * rounded, as 16-bit words of the same signedness. Null for wider words.
 */
function reducedGreyscale(
  module: PixelModule,
  frame: DecodedFrame,
  bounds: FrameWords,
  factor: number,
): { module: PixelModule; frame: DecodedFrame } | null {
  if (module.bitsStored > 16) return null;
  const { words } = bounds;
  const rows = Math.ceil(module.rows / factor);
  const columns = Math.ceil(module.columns / factor);
  const stored = storedValueOf(module);
  // Words that are their stored values are summed as they are; others through a table of them.
  const asStored = wordsAreStoredValues(module, bounds);
  const storedOf = new Int32Array(asStored ? 0 : Math.max(0, bounds.high - bounds.low + 1));
  for (let word = bounds.low; !asStored && word <= bounds.high; word += 1) {
    storedOf[word - bounds.low] = stored(word);
  }
  const out = new Uint16Array(rows * columns);
  const sums = new Float64Array(columns);
  for (let row = 0; row < rows; row += 1) {
    sums.fill(0);
    const top = row * factor;
    const bottom = Math.min(top + factor, module.rows);
    for (let y = top; y < bottom; y += 1) {
      const line = y * module.columns;
      for (let column = 0; column < columns; column += 1) {
        const end = line + Math.min((column + 1) * factor, module.columns);
        let sum = 0;
        let at = line + column * factor;
        if (asStored) for (; at < end; at += 1) sum += words[at] as number;
        else for (; at < end; at += 1) sum += storedOf[(words[at] as number) - bounds.low] as number;
        sums[column] = (sums[column] as number) + sum;
      }
    }
    for (let column = 0; column < columns; column += 1) {
      const width = Math.min(factor, module.columns - column * factor);
      // Two's complement for a negative mean: read back as such with 16 stored bits, signed.
      out[row * columns + column] = Math.round((sums[column] as number) / (width * (bottom - top))) & 0xffff;
    }
  }
  return {
    module: { ...module, rows, columns, bitsAllocated: 16, bitsStored: 16, highBit: 15 },
    frame: {
      bytes: new Uint8Array(out.buffer),
      littleEndian: HOST_IS_LITTLE_ENDIAN,
      photometricInterpretation: frame.photometricInterpretation,
      planarConfiguration: 0,
    },
  };
}

/** Palette colour: each stored value through the red, green and blue tables, by tables of words as greyscale is. */
function paletteColour(module: PixelModule, frame: DecodedFrame, palette: ResolvedPalette): Uint8Array {
  const count = module.rows * module.columns;
  const luts = [palette.red, palette.green, palette.blue];
  const entry = (lut: ResolvedLut, value: number) =>
    lut.values[Math.min(Math.max(value - lut.firstMapped, 0), lut.entries - 1)] as number;
  const out = new Uint8Array(count * 3);
  const words = rawWords(module, frame, count);
  if (!words) {
    const read = sampleReader(module, frame);
    for (let i = 0; i < count; i += 1) {
      const value = read(i);
      for (let c = 0; c < 3; c += 1) out[i * 3 + c] = entry(luts[c] as ResolvedLut, value);
    }
    return out;
  }
  const bounds = wordBounds(words);
  const stored = storedValueOf(module);
  luts.forEach((lut, c) => {
    const table = wordTable(bounds, (word) => entry(lut, stored(word)));
    for (let i = 0; i < count; i += 1) out[i * 3 + c] = table[(words[i] as number) - bounds.low] as number;
  });
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
  const photometric = frame.photometricInterpretation;
  // What JPEG decoders hand back: already 8-bit interleaved RGB, the display bytes themselves.
  if (
    photometric === 'RGB' &&
    frame.planarConfiguration === 0 &&
    module.bitsAllocated === 8 &&
    module.bitsStored === 8 &&
    module.highBit === 7 &&
    frame.bytes.length >= count * 3
  ) {
    return frame.bytes.slice(0, count * 3);
  }
  const out = new Uint8Array(count * 3);
  const scale = 2 ** Math.max(0, module.bitsStored - 8);
  const unsigned = { ...module, signed: false };
  const read = sampleReader(unsigned, frame);
  const toByte = (value: number) => Math.min(255, Math.floor(value / scale));
  // Each sample as an 8-bit value through a table of the words that occur, as greyscale does; a sample
  // past them (an odd-width YBR_FULL_422 row's last pair) is read as before.
  const needed = photometric === 'YBR_FULL_422' ? count * 2 : count * 3;
  const words = rawWords(unsigned, frame, needed);
  let sample = (index: number) => toByte(read(index));
  if (words) {
    const bounds = wordBounds(words);
    const stored = storedValueOf(unsigned);
    const table = wordTable(bounds, (word) => toByte(stored(word)));
    sample = (index) =>
      index < needed ? (table[(words[index] as number) - bounds.low] as number) : toByte(read(index));
  }
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

/**
 * The display image for a viewport (PS3.18 §8.3.5.1.3). A greyscale frame the viewport shrinks at least
 * twofold is first reduced by the whole factor (reducedGreyscale), averaging stored values before the
 * VOI window as dcmtk's scaling averages modality values before its VOI transform, and keeps the whole
 * frame's window; the encoder scales what is left. A 512×512 thumbnail then windows 16,384 pixels rather
 * than 262,144 and the encoder scales nothing. Colour, palette and regions go through displayPixels.
 */
export function displayForViewport(
  module: PixelModule,
  frame: DecodedFrame,
  window: VoiWindow | null,
  palette: ResolvedPalette | null,
  viewport: Viewport | null,
): DisplayImage {
  if (viewport && !viewport.region && !palette && module.samplesPerPixel !== 3) {
    const factor = Math.floor(Math.max(module.columns / viewport.width, module.rows / viewport.height));
    const words = factor >= 2 ? frameWords(module, frame) : null;
    const reduced = words ? reducedGreyscale(module, frame, words, factor) : null;
    if (reduced) {
      const data = greyscale(reduced.module, reduced.frame, greyscaleWindow(module, frame, window, words));
      return { width: reduced.module.columns, height: reduced.module.rows, channels: 1, data };
    }
  }
  return displayPixels(module, frame, window, palette);
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
