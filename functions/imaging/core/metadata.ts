import type dcmjs from 'dcmjs';
import { dcmjsLibrary } from './dicom-dictionary';
import {
  bulkDataPath,
  type InstanceLayout,
  MAX_INLINE_BINARY_BYTES,
  PIXEL_DATA_TAG,
} from './instance-layout';
import type { ParsedInstance } from './part10';

type JsonAttribute = { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string };
export type DicomJsonMetadata = Record<string, JsonAttribute>;

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** Bulk data values this instance can serve, by attribute path, and the URI that serves each one. */
interface BulkDataLinks {
  served: ReadonlySet<string>;
  uri: (path: string) => string;
}

function convert(
  dataset: Record<string, { vr: string; Value?: unknown[] }>,
  parent: string | null,
  links: BulkDataLinks | null,
): DicomJsonMetadata {
  const out: DicomJsonMetadata = {};
  for (const [tag, element] of Object.entries(dataset)) {
    if (parent === null && tag === PIXEL_DATA_TAG) continue;
    const vr = element.vr;
    const values = Array.isArray(element.Value) ? element.Value : [];
    const path = bulkDataPath(parent, tag);
    if (BINARY_VRS.has(vr)) {
      const bytes = Buffer.concat(
        values.filter((v) => v instanceof ArrayBuffer).map((v) => Buffer.from(v as ArrayBuffer)),
      );
      if (bytes.length > 0 && bytes.length <= MAX_INLINE_BINARY_BYTES) {
        out[tag] = { vr, InlineBinary: bytes.toString('base64') };
      } else {
        // Only values whose location was recorded get a URI, so no BulkDataURI ever points at nothing.
        out[tag] = links?.served.has(path) ? { vr, BulkDataURI: links.uri(path) } : { vr };
      }
    } else if (vr === 'SQ') {
      out[tag] = values.length
        ? { vr, Value: values.map((item, index) => convert(item as never, `${path}.${index}`, links)) }
        : { vr };
    } else {
      out[tag] = values.length ? { vr, Value: values } : { vr };
    }
  }
  return out;
}

/**
 * The instance's attributes as DICOM JSON (PS3.18 F.2), computed once at ingest from a file that already
 * passed the bounded reader. Pixel data and binary values over 1 KiB are bulk data: without links they
 * carry only their VR. dcmjs stops at the pixel data's tag, so only the bytes before its value (`headerEnd`,
 * when known) are copied for it: a CT slice is then a few KB instead of half a megabyte.
 */
export function dicomJsonMetadata(
  file: Buffer,
  links: BulkDataLinks | null = null,
  headerEnd: number = file.byteLength,
): DicomJsonMetadata {
  const end = Math.min(headerEnd, file.byteLength);
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + end) as ArrayBuffer;
  const options = { untilTag: PIXEL_DATA_TAG, includeUntilTagValue: false };
  let message: ReturnType<typeof dcmjs.data.DicomMessage.readFile>;
  try {
    message = dcmjsLibrary().data.DicomMessage.readFile(buffer, options);
  } catch (error) {
    // dcmjs refuses ISO 2022 code extensions (Japanese, Korean). The bounded reader has already accepted
    // the file, so it is read again with the first declared character set, as dcmjs offers.
    if (!(error instanceof Error && /character set/i.test(error.message))) throw error;
    message = dcmjsLibrary().data.DicomMessage.readFile(buffer, { ...options, ignoreErrors: true });
  }
  return convert(message.dict as never, null, links);
}

/**
 * Where a bulk data value is served: a path-absolute reference (RFC 3986), so it resolves the same way
 * against the study, series or instance metadata URL that returned it, and against any API host name.
 */
export function bulkDataUri(
  ids: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string },
  path: string,
): string {
  return `/dicomweb/studies/${ids.studyInstanceUid}/series/${ids.seriesInstanceUid}/instances/${ids.sopInstanceUid}/bulkdata/${path}`;
}

/**
 * Where the attributes dcmjs reads end: the pixel data's value (native), or its first frame, which follows
 * the tag and the offset table (encapsulated). Without pixel data, or frames that could not be mapped, the
 * whole file.
 */
export function metadataHeaderEnd(layout: InstanceLayout): number | undefined {
  return layout.pixelData?.value?.offset ?? layout.pixelData?.frames?.[0]?.offset;
}

/** Metadata of a parsed instance, with a BulkDataURI for pixel data and each recorded bulk data value. */
export function instanceMetadata(
  parsed: Pick<
    ParsedInstance,
    'sanitized' | 'layout' | 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'
  >,
): DicomJsonMetadata {
  const layout: InstanceLayout = parsed.layout;
  const links: BulkDataLinks = {
    served: new Set(layout.bulkData.map((value) => value.path)),
    uri: (path) => bulkDataUri(parsed, path),
  };
  const metadata = dicomJsonMetadata(parsed.sanitized, links, metadataHeaderEnd(layout));
  if (layout.pixelData) {
    metadata[PIXEL_DATA_TAG] = { vr: layout.pixelData.vr, BulkDataURI: bulkDataUri(parsed, PIXEL_DATA_TAG) };
  }
  return metadata;
}
