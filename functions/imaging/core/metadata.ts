import dcmjs from 'dcmjs';

type JsonAttribute = { vr: string; Value?: unknown[]; InlineBinary?: string };
export type DicomJsonMetadata = Record<string, JsonAttribute>;

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
/** Binary values up to this size are inlined; larger ones are bulk data, left out of the metadata. */
const MAX_INLINE_BINARY = 1024;

function convert(dataset: Record<string, { vr: string; Value?: unknown[] }>): DicomJsonMetadata {
  const out: DicomJsonMetadata = {};
  for (const [tag, element] of Object.entries(dataset)) {
    if (tag === '7FE00010') continue;
    const vr = element.vr;
    const values = Array.isArray(element.Value) ? element.Value : [];
    if (BINARY_VRS.has(vr)) {
      const bytes = Buffer.concat(
        values.filter((v) => v instanceof ArrayBuffer).map((v) => Buffer.from(v as ArrayBuffer)),
      );
      out[tag] =
        bytes.length > 0 && bytes.length <= MAX_INLINE_BINARY
          ? { vr, InlineBinary: bytes.toString('base64') }
          : { vr };
    } else if (vr === 'SQ') {
      out[tag] = values.length ? { vr, Value: values.map((item) => convert(item as never)) } : { vr };
    } else {
      out[tag] = values.length ? { vr, Value: values } : { vr };
    }
  }
  return out;
}

/**
 * The instance's attributes as DICOM JSON (PS3.18 F.2), computed once at ingest from a file that already
 * passed the bounded reader. Pixel data and large binary values are bulk data and not included.
 */
export function dicomJsonMetadata(file: Buffer): DicomJsonMetadata {
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const message = dcmjs.data.DicomMessage.readFile(buffer, {
    untilTag: '7FE00010',
    includeUntilTagValue: false,
  });
  return convert(message.dict as never);
}
