import { createHash, type Hash } from 'node:crypto';
import type { DataSet, Element, Fragment } from 'dicom-parser';
import { dicomDictionary } from './dicom-dictionary';

/**
 * Where an instance's frames and bulk data values lie in its stored object, recorded at ingest so that
 * WADO-RS serves them with ranged reads instead of reading (or decoding) the whole object. Each range
 * carries a digest of the bytes it yields, so a corrupted or substituted object is never served from a
 * range either.
 */
export interface StoredRange {
  offset: number;
  length: number;
  /** SHA-256 truncated to 128 bits (NIST SP 800-107), hex: compact enough for 10,000 frames per item. */
  digest: string;
}

export interface PixelDataLayout {
  vr: string;
  encapsulated: boolean;
  /** Native pixel data: the whole value, served as one bulk data value. Null when encapsulated. */
  value: StoredRange | null;
  /**
   * One range per frame. Native: the frame's bytes. Encapsulated: the frame's fragment items (headers
   * included, stripped while serving); the digest covers the fragment values. Null when frames cannot
   * be told apart without decoding (bit-packed frames, or more fragments than frames with no offset table).
   */
  frames: StoredRange[] | null;
}

/** A binary value too large for the metadata, by its attribute path (see bulkDataPath). */
export interface BulkDataValue extends StoredRange {
  path: string;
}

export interface InstanceLayout {
  pixelData: PixelDataLayout | null;
  bulkData: BulkDataValue[];
}

/** Binary values up to this size are inlined in the metadata; larger ones are bulk data. */
export const MAX_INLINE_BINARY_BYTES = 1024;
/** Bulk data values recorded per instance; any further ones stay out of the metadata, as before. */
export const MAX_BULK_DATA_VALUES = 64;
export const PIXEL_DATA_TAG = '7FE00010';

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
/** Ambiguous dictionary VRs that dcmjs reads as binary in implicit VR files (OB/OW, US/OW). */
const AMBIGUOUS_BINARY_VRS = new Set(['ox', 'lt']);
const DIGEST_BYTES = 16;

export const rangeHash = (): Hash => createHash('sha256');
export const rangeDigest = (hash: Hash): string => hash.digest().subarray(0, DIGEST_BYTES).toString('hex');

/**
 * The path of an attribute, nested ones through their sequence items (0-based):
 * `00420011`, `00540016.0.00181078`. Opaque to clients; it only has to round-trip through a URL.
 */
export const bulkDataPath = (parent: string | null, tag: string) =>
  parent === null ? tag.toUpperCase() : `${parent}.${tag.toUpperCase()}`;
export const BULK_DATA_PATH = /^[0-9A-F]{8}(\.\d{1,5}\.[0-9A-F]{8}){0,16}$/;

function digestOf(bytes: Uint8Array, ranges: readonly { start: number; length: number }[]): string {
  const hash = rangeHash();
  for (const { start, length } of ranges) hash.update(bytes.subarray(start, start + length));
  return rangeDigest(hash);
}

/** An implicit VR file names no VRs: the data dictionary decides, as it does for dcmjs. */
function isBinary(element: Element, tag: string): boolean {
  if (element.vr) return BINARY_VRS.has(element.vr);
  const entry = dicomDictionary().dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  if (!entry) {
    const group = Number.parseInt(tag.slice(0, 4), 16);
    const number = Number.parseInt(tag.slice(4), 16);
    const privateCreator = group % 2 === 1 && number >= 0x10 && number <= 0xff;
    return !privateCreator;
  }
  return BINARY_VRS.has(entry.vr) || AMBIGUOUS_BINARY_VRS.has(entry.vr);
}

function collectBulkData(
  dataSet: DataSet,
  bytes: Uint8Array,
  parent: string | null,
  found: BulkDataValue[],
): void {
  for (const element of Object.values(dataSet.elements) as Element[]) {
    if (found.length >= MAX_BULK_DATA_VALUES) return;
    const tag = element.tag.slice(1).toUpperCase();
    if (parent === null && tag === PIXEL_DATA_TAG) continue;
    const path = bulkDataPath(parent, tag);
    if (element.items) {
      element.items.forEach((item, index) => {
        if (item.dataSet) collectBulkData(item.dataSet, bytes, `${path}.${index}`, found);
      });
      continue;
    }
    if (element.hadUndefinedLength || element.length <= MAX_INLINE_BINARY_BYTES) continue;
    if (!isBinary(element, tag)) continue;
    found.push({
      path,
      offset: element.dataOffset,
      length: element.length,
      digest: digestOf(bytes, [{ start: element.dataOffset, length: element.length }]),
    });
  }
}

/**
 * Fragments per frame, from the basic offset table when there is one, else one fragment per frame; a
 * single frame owns every fragment. Anything else would need the codestreams parsed: null.
 */
function fragmentsPerFrame(element: Element, frames: number): Fragment[][] | null {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) return null;
  if (frames === 1) return [fragments];
  const table = element.basicOffsetTable ?? [];
  if (table.length === 0) return fragments.length === frames ? fragments.map((fragment) => [fragment]) : null;
  if (table.length !== frames || table[0] !== 0) return null;
  const groups: Fragment[][] = [];
  let next = 0;
  for (let frame = 0; frame < frames; frame += 1) {
    const start = table[frame] ?? 0;
    const end = table[frame + 1] ?? Number.POSITIVE_INFINITY;
    if (end <= start || fragments[next]?.offset !== start) return null;
    const group: Fragment[] = [];
    while (next < fragments.length && (fragments[next]?.offset ?? 0) < end) {
      group.push(fragments[next] as Fragment);
      next += 1;
    }
    groups.push(group);
  }
  return next === fragments.length ? groups : null;
}

/** Item tag (FFFE,E000) and its 32-bit length precede every fragment value. */
export const ITEM_HEADER_BYTES = 8;

/** The pixel attributes a native frame's size follows from. */
export interface PixelGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  photometricInterpretation: string | null;
}

/**
 * Bits one native frame occupies as stored (PS3.5 §8.2), the one definition ingest checks the pixel
 * data against and retrieval cuts frames by. YBR_FULL_422 stores two samples per pixel, not three: each
 * horizontal pair of pixels shares one Cb and one Cr (PS3.3 C.7.6.3.1.2).
 */
export function nativeFrameBits(geometry: PixelGeometry): number {
  const stored =
    geometry.photometricInterpretation === 'YBR_FULL_422' && geometry.samplesPerPixel === 3
      ? 2
      : geometry.samplesPerPixel;
  // At most 65535² × 3 × 64 bits: exact in a double.
  return geometry.rows * geometry.columns * stored * geometry.bitsAllocated;
}

/** What ingest validated about an image: its size, frame count, encoding and frame size as stored. */
export interface PixelSummary {
  rows: number;
  columns: number;
  frames: number;
  encapsulated: boolean;
  /** nativeFrameBits of the image (meaningful for native pixel data only). */
  frameBits: number;
}

function pixelDataLayout(dataSet: DataSet, bytes: Uint8Array, pixels: PixelSummary): PixelDataLayout | null {
  const element = dataSet.elements.x7fe00010;
  if (!element) return null;
  const encapsulated = pixels.encapsulated;
  const vr = element.vr ?? (encapsulated ? 'OB' : 'OW');
  if (encapsulated) {
    const groups = fragmentsPerFrame(element, pixels.frames);
    const frames =
      groups?.map((group) => {
        const first = group[0] as Fragment;
        const last = group[group.length - 1] as Fragment;
        const offset = first.position - ITEM_HEADER_BYTES;
        return {
          offset,
          length: last.position + last.length - offset,
          digest: digestOf(
            bytes,
            group.map((fragment) => ({ start: fragment.position, length: fragment.length })),
          ),
        };
      }) ?? null;
    return { vr, encapsulated, value: null, frames };
  }
  const value = {
    offset: element.dataOffset,
    length: element.length,
    digest: digestOf(bytes, [{ start: element.dataOffset, length: element.length }]),
  };
  // Bit-packed frames (BitsAllocated 1) may start mid-byte: they are only served as the whole instance.
  if (pixels.frameBits % 8 !== 0) return { vr, encapsulated, value, frames: null };
  const frameLength = pixels.frameBits / 8;
  // A single frame that fills the value is the value: its bytes are hashed once, not twice.
  if (pixels.frames === 1 && frameLength === value.length)
    return { vr, encapsulated, value, frames: [{ ...value }] };
  const frames: StoredRange[] = [];
  for (let frame = 0; frame < pixels.frames; frame += 1) {
    const offset = element.dataOffset + frame * frameLength;
    frames.push({
      offset,
      length: frameLength,
      digest: digestOf(bytes, [{ start: offset, length: frameLength }]),
    });
  }
  return { vr, encapsulated, value, frames };
}

/**
 * The layout of a file that already passed the bounded reader (part10.ts): element offsets are inside
 * the file and pixel attributes are consistent. Nothing is decoded.
 */
export function instanceLayout(
  dataSet: DataSet,
  bytes: Uint8Array,
  pixels: PixelSummary | null,
): InstanceLayout {
  const bulkData: BulkDataValue[] = [];
  collectBulkData(dataSet, bytes, null, bulkData);
  return { pixelData: pixels ? pixelDataLayout(dataSet, bytes, pixels) : null, bulkData };
}

/** Bytes per frame table entry: offset (float64, exact below 2^53), length (uint32), digest. */
const FRAME_ENTRY_BYTES = 8 + 4 + DIGEST_BYTES;

/** Frame tables are stored packed: 28 bytes a frame, 280 KB for the 10,000 frames ingest allows. */
export function packFrameTable(frames: readonly StoredRange[]): Uint8Array {
  const packed = Buffer.alloc(frames.length * FRAME_ENTRY_BYTES);
  frames.forEach((frame, index) => {
    const at = index * FRAME_ENTRY_BYTES;
    packed.writeDoubleLE(frame.offset, at);
    packed.writeUInt32LE(frame.length, at + 8);
    Buffer.from(frame.digest, 'hex').copy(packed, at + 12);
  });
  return packed;
}

export function unpackFrameTable(packed: Uint8Array): StoredRange[] {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (bytes.length % FRAME_ENTRY_BYTES !== 0) throw new Error('frame table has a partial entry');
  const frames: StoredRange[] = [];
  for (let at = 0; at < bytes.length; at += FRAME_ENTRY_BYTES) {
    frames.push({
      offset: bytes.readDoubleLE(at),
      length: bytes.readUInt32LE(at + 8),
      digest: bytes.subarray(at + 12, at + FRAME_ENTRY_BYTES).toString('hex'),
    });
  }
  return frames;
}
