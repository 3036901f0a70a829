import dicomParser, { type DataSet } from 'dicom-parser';
import { isDicomUid } from '#schemas/imaging/dicom-uid';
import { DomainError } from '../../shared/errors';
import { ElementWalkRefused, walkDataSet, walkFileMeta } from './bounded-element-walk';
import { type InstanceLayout, instanceLayout, nativeFrameBits, type PixelSummary } from './instance-layout';

/**
 * Limits checked before the parser allocates or walks anything they bound: the element limits while a
 * bounded walk of the headers goes (bounded-element-walk.ts), before either DICOM library reads the file.
 */
export const INGEST_LIMITS = {
  maxFileBytes: 5 * 1024 * 1024,
  maxSequenceDepth: 16,
  /** Elements, sequence items, fragments and offset table entries, nested ones included. */
  maxElements: 50_000,
  /** Text and numeric values decoded for the metadata; the index keeps at most 300 KB of it anyway. */
  maxDecodedValueBytes: 2 * 1024 * 1024,
  /** Bytes inside sequence items, summed over nesting levels (the metadata reader copies each item). */
  maxItemBytes: 64 * 1024 * 1024,
  maxFrames: 10_000,
  maxPixelBytes: 4n * 1024n * 1024n * 1024n,
};
export type IngestLimits = typeof INGEST_LIMITS;

/** Transfer syntaxes accepted at ingest. Deflated (a decompression-bomb carrier) and big endian are not. */
export const ACCEPTED_TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless Only',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless Only',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Lossless Only',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

export type RejectionReason =
  | 'too-large'
  | 'not-dicom'
  | 'executable-preamble'
  | 'bad-file-meta'
  | 'transfer-syntax-not-accepted'
  | 'malformed'
  | 'too-deep'
  | 'too-many-elements'
  | 'attributes-too-large'
  | 'missing-attribute'
  | 'invalid-uid'
  | 'inconsistent-identity'
  | 'bad-pixel-description';

/**
 * PS3.18 STOW-RS FailureReason codes: A700 refused, out of resources (size); A900 data set does not
 * match SOP class (missing or invalid attributes); C000 cannot understand (not parseable).
 */
const FAILURE_REASON: Record<RejectionReason, number> = {
  'too-large': 0xa700,
  'not-dicom': 0xc000,
  'executable-preamble': 0xc000,
  'bad-file-meta': 0xc000,
  'transfer-syntax-not-accepted': 0xc000,
  malformed: 0xc000,
  'too-deep': 0xc000,
  'too-many-elements': 0xa700,
  'attributes-too-large': 0xa700,
  'missing-attribute': 0xa900,
  'invalid-uid': 0xa900,
  'inconsistent-identity': 0xa900,
  'bad-pixel-description': 0xa900,
};

export class DicomRejectedError extends DomainError {
  override readonly name = 'DicomRejectedError';
  readonly failureReason: number;
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
    this.failureReason = FAILURE_REASON[reason];
  }
}

export interface ParsedInstance {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** Attributes QIDO matches on; absent ones are null. */
  attributes: {
    patientId: string | null;
    patientName: string | null;
    studyDate: string | null;
    studyTime: string | null;
    accessionNumber: string | null;
    modality: string | null;
    referringPhysicianName: string | null;
    studyDescription: string | null;
    studyId: string | null;
    seriesNumber: number | null;
    instanceNumber: number | null;
  };
  pixels: PixelSummary | null;
  /** Where frames and bulk data values lie in the stored bytes, for ranged retrieval. */
  layout: InstanceLayout;
  /** Ready to store: the preamble zeroed, so a polyglot or TIFF preamble never leaves PACScribe. */
  sanitized: Buffer;
}

const reject = (reason: RejectionReason, message: string): never => {
  throw new DicomRejectedError(reason, message);
};

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

/** Runs a bounded walk, its refusal becoming the file's. */
function walked<T>(walk: () => T): T {
  try {
    return walk();
  } catch (error) {
    if (error instanceof ElementWalkRefused) return reject(error.reason, error.message);
    throw error;
  }
}

const ASCII = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** PS3.10 §7.5: a preamble may hold another format's header; executables are refused outright. */
function checkPreamble(bytes: Uint8Array): void {
  const start = ASCII(bytes.subarray(0, 4));
  if (start.startsWith('MZ') || start === '\x7fELF') {
    reject('executable-preamble', 'The file preamble holds an executable header.');
  }
}

const ZERO_PREAMBLE = Buffer.alloc(128);

/**
 * The file as it is stored: with its 128-byte preamble zeroed, so nothing it carried (a TIFF header, say)
 * reaches a reader. A preamble that is already zero, as most are, costs no copy: a 32 MiB multi-frame file
 * would otherwise be held twice while it is stored. The caller's bytes are never changed.
 */
function withZeroPreamble(input: Uint8Array): Buffer {
  const view = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (view.subarray(0, ZERO_PREAMBLE.length).equals(ZERO_PREAMBLE)) return view;
  const copy = Buffer.from(input);
  copy.fill(0, 0, ZERO_PREAMBLE.length);
  return copy;
}

/** (0002,0000) must come first, as explicit VR UL, and its group must end inside the file. */
function checkFileMeta(bytes: Uint8Array): void {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 144) reject('bad-file-meta', 'The file meta information is truncated.');
  const group = view.readUInt16LE(132);
  const element = view.readUInt16LE(134);
  const vr = ASCII(bytes.subarray(136, 138));
  if (group !== 0x0002 || element !== 0x0000 || vr !== 'UL' || view.readUInt16LE(138) !== 4) {
    reject('bad-file-meta', 'The file meta group length (0002,0000) is missing.');
  }
  const metaLength = view.readUInt32LE(140);
  if (metaLength < 8 || 144 + metaLength > bytes.length) {
    reject('bad-file-meta', 'The file meta group length does not fit the file.');
  }
}

function text(dataSet: DataSet, tag: string): string | null {
  const value = dataSet.string(tag)?.trim();
  return value ? value : null;
}

/** SpecificCharacterSet defined terms (PS3.3 C.12.1.1.2) as WHATWG encoding labels. */
const CHARACTER_SETS: Readonly<Record<string, string>> = {
  'ISO_IR 192': 'utf-8',
  'ISO_IR 100': 'latin1',
  'ISO 2022 IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'tis-620',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/**
 * Names and descriptions (PN, LO, SH) decoded in the character set the file declares, so a search for
 * "Müller" finds what a UTF-8 or Latin-1 modality sent. Code extension (ISO 2022 escapes) falls back to
 * Latin-1, which keeps every byte.
 */
function decodedText(dataSet: DataSet, tag: string): string | null {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return null;
  const declared = (text(dataSet, 'x00080005') ?? '').split('\\').filter(Boolean).at(-1) ?? '';
  const decoder = new TextDecoder(CHARACTER_SETS[declared.trim()] ?? 'latin1');
  const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  const value = decoder.decode(bytes).replace(/\0+$/, '').trim();
  return value ? value : null;
}

function requiredUid(dataSet: DataSet, tag: string, name: string): string {
  const value = text(dataSet, tag) ?? reject('missing-attribute', `${name} is missing.`);
  if (!isDicomUid(value)) reject('invalid-uid', `${name} is not a valid DICOM UID.`);
  return value;
}

/** Pixel attributes are checked for their VR and consistency, with sizes computed in BigInt. */
function checkPixels(dataSet: DataSet, limits: IngestLimits): ParsedInstance['pixels'] {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) return null;
  const us = (tag: string, name: string) => {
    const element = dataSet.elements[tag];
    if (!element) return reject('bad-pixel-description', `${name} is missing.`);
    if ((element.vr && element.vr !== 'US') || element.length !== 2) {
      reject('bad-pixel-description', `${name} must be a single US value.`);
    }
    return dataSet.uint16(tag) ?? 0;
  };
  const rows = us('x00280010', 'Rows');
  const columns = us('x00280011', 'Columns');
  const samples = us('x00280002', 'SamplesPerPixel');
  const bitsAllocated = us('x00280100', 'BitsAllocated');
  const bitsStored = us('x00280101', 'BitsStored');
  const highBit = us('x00280102', 'HighBit');
  const framesText = text(dataSet, 'x00280008');
  const frames = framesText === null ? 1 : Number(framesText);
  if (rows === 0 || columns === 0) reject('bad-pixel-description', 'Rows and Columns must be positive.');
  if (samples !== 1 && samples !== 3) reject('bad-pixel-description', 'SamplesPerPixel must be 1 or 3.');
  if (![1, 8, 16, 32, 64].includes(bitsAllocated))
    reject('bad-pixel-description', 'BitsAllocated is not supported.');
  if (
    bitsStored === 0 ||
    bitsStored > bitsAllocated ||
    highBit >= bitsAllocated ||
    highBit !== bitsStored - 1
  ) {
    reject('bad-pixel-description', 'BitsStored and HighBit do not fit BitsAllocated.');
  }
  if (!Number.isInteger(frames) || frames < 1 || frames > limits.maxFrames) {
    reject('bad-pixel-description', 'NumberOfFrames is out of range.');
  }
  const frameBits = nativeFrameBits({
    rows,
    columns,
    samplesPerPixel: samples,
    bitsAllocated,
    photometricInterpretation: text(dataSet, 'x00280004'),
  });
  const expectedBytes = (BigInt(frameBits) * BigInt(frames) + 7n) / 8n;
  if (expectedBytes > limits.maxPixelBytes) reject('bad-pixel-description', 'The image is too large.');
  const encapsulated = Boolean(pixelData.encapsulatedPixelData);
  if (encapsulated) {
    if (!pixelData.fragments?.length)
      reject('bad-pixel-description', 'Encapsulated pixel data has no fragments.');
    const offsets = pixelData.basicOffsetTable ?? [];
    if (offsets.length !== 0 && offsets.length !== frames) {
      reject('bad-pixel-description', 'The basic offset table does not match NumberOfFrames.');
    }
  } else {
    // Shorter than described is refused; trailing padding, which some modalities write, is ignored.
    if (BigInt(pixelData.length) < expectedBytes) {
      reject('bad-pixel-description', 'The pixel data is shorter than the image description.');
    }
  }
  return { rows, columns, frames, encapsulated, frameBits };
}

/**
 * Reads one DICOM Part-10 file for ingest: rejects anything malformed or hostile with a reason, returns
 * the identifying and searchable attributes and the bytes to store (withZeroPreamble). Pixel data is never
 * decoded here.
 */
export function readPart10(input: Uint8Array, limits: IngestLimits = INGEST_LIMITS): ParsedInstance {
  try {
    return readCheckedPart10(input, limits);
  } catch (error) {
    // dicom-parser reads values lazily and throws on lengths that run past the buffer: whatever was not
    // already refused for a specific reason is a file that cannot be understood.
    if (error instanceof DicomRejectedError) throw error;
    return reject('malformed', 'The file could not be read as DICOM.');
  }
}

function readCheckedPart10(input: Uint8Array, limits: IngestLimits): ParsedInstance {
  if (input.length > limits.maxFileBytes)
    reject('too-large', `The file exceeds ${limits.maxFileBytes} bytes.`);
  if (input.length < 132 || ASCII(input.subarray(128, 132)) !== 'DICM') {
    reject('not-dicom', 'The file is not DICOM Part 10 (no DICM prefix).');
  }
  checkPreamble(input);
  checkFileMeta(input);
  // The file meta is walked (bounded) and read up to its group length only; the transfer syntax is decided
  // from it alone, before the data set is touched: a deflated body (a decompression-bomb carrier) is never
  // inflated.
  const { metaEnd, counted } = walked(() => walkFileMeta(input, limits));
  let meta: DataSet;
  try {
    meta = dicomParser.readPart10Header(input.subarray(0, metaEnd));
  } catch {
    return reject('bad-file-meta', 'The file meta information could not be read.');
  }
  const transferSyntaxUid =
    text(meta, 'x00020010') ?? reject('bad-file-meta', 'TransferSyntaxUID is missing.');
  if (!ACCEPTED_TRANSFER_SYNTAXES[transferSyntaxUid]) {
    reject('transfer-syntax-not-accepted', 'The transfer syntax is not accepted.');
  }
  // Every element limit holds, and the data set reads alike in both libraries, before either reads it.
  walked(() => walkDataSet(input, metaEnd, transferSyntaxUid === IMPLICIT_VR_LITTLE_ENDIAN, limits, counted));
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input);
  } catch {
    return reject('malformed', 'The file could not be read as DICOM.');
  }
  const sopClassUid = requiredUid(dataSet, 'x00080016', 'SOPClassUID');
  const sopInstanceUid = requiredUid(dataSet, 'x00080018', 'SOPInstanceUID');
  const studyInstanceUid = requiredUid(dataSet, 'x0020000d', 'StudyInstanceUID');
  const seriesInstanceUid = requiredUid(dataSet, 'x0020000e', 'SeriesInstanceUID');
  // The file meta and the data set must name the same instance (no differential parsing).
  if (text(dataSet, 'x00020003') !== sopInstanceUid || text(dataSet, 'x00020002') !== sopClassUid) {
    reject('inconsistent-identity', 'The file meta information and the data set name different instances.');
  }
  const pixels = checkPixels(dataSet, limits);
  const sanitized = withZeroPreamble(input);
  const integer = (tag: string) => {
    const value = text(dataSet, tag);
    return value !== null && /^[+-]?\d{1,10}$/.test(value) ? Number(value) : null;
  };
  return {
    transferSyntaxUid,
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    attributes: {
      patientId: decodedText(dataSet, 'x00100020'),
      patientName: decodedText(dataSet, 'x00100010'),
      studyDate: text(dataSet, 'x00080020'),
      studyTime: text(dataSet, 'x00080030'),
      accessionNumber: decodedText(dataSet, 'x00080050'),
      modality: text(dataSet, 'x00080060'),
      referringPhysicianName: decodedText(dataSet, 'x00080090'),
      studyDescription: decodedText(dataSet, 'x00081030'),
      studyId: decodedText(dataSet, 'x00200010'),
      seriesNumber: integer('x00200011'),
      instanceNumber: integer('x00200013'),
    },
    pixels,
    // The preamble is outside every element, so offsets into the input are offsets into the stored copy.
    layout: instanceLayout(dataSet, input, pixels),
    sanitized,
  };
}
