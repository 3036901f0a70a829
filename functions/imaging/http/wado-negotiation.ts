import { NotAcceptableError } from '../../shared/errors';
import { parseContentType } from '../core/multipart-related';
import {
  bitstreamMediaType,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  OCTET_STREAM,
} from '../core/pixel-media-types';

interface MediaRange {
  mediaType: string;
  type: string | undefined;
  transferSyntax: string | undefined;
}

/** More ranges than any client sends are ignored rather than parsed. */
const MAX_MEDIA_RANGES = 32;

/**
 * The client's media ranges, most preferred first (q-values, then order); q=0 ranges are refusals and
 * dropped. Quoted and unquoted parameters are the same (PS3.18 §8.7). No Accept means anything.
 */
export function mediaRanges(accept: string | undefined): MediaRange[] {
  if (!accept?.trim()) return [{ mediaType: '*/*', type: undefined, transferSyntax: undefined }];
  return accept
    .split(',')
    .slice(0, MAX_MEDIA_RANGES)
    .map((text, order) => {
      const { mediaType, parameters } = parseContentType(text);
      const q = parameters.q === undefined ? 1 : Number(parameters.q);
      return {
        mediaType,
        type: parameters.type?.toLowerCase(),
        transferSyntax: parameters['transfer-syntax'],
        q: Number.isFinite(q) ? q : 0,
        order,
      };
    })
    .filter((range) => range.q > 0 && range.mediaType !== '')
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map(({ mediaType, type, transferSyntax }) => ({ mediaType, type, transferSyntax }));
}

const anyMultipart = (range: MediaRange) => range.mediaType === '*/*' || range.mediaType === 'multipart/*';
const multipartOf = (range: MediaRange, defaultType: string) =>
  range.mediaType === 'multipart/related' ? (range.type ?? defaultType) : null;
const anySyntax = (syntax: string | undefined) => syntax === undefined || syntax === '*';

/**
 * Instances (study, series or one instance): multipart/related; type="application/dicom". No
 * `transfer-syntax`, or `*`, means as stored. A named syntax is sent as is where stored in it and
 * transcoded where `canProduce` allows (decompression to Explicit VR Little Endian, the PS3.18 default, and
 * lossless recompression); the first acceptable range wins. Returns the syntax to send, or null for
 * "as stored"; 406 only when no range can be produced for every instance.
 */
export function negotiateInstances(
  accept: string | undefined,
  storedSyntaxes: ReadonlySet<string>,
  canProduce: (from: string, to: string) => boolean = (from, to) => from === to,
): string | null {
  for (const range of mediaRanges(accept)) {
    if (anyMultipart(range)) return null;
    if (multipartOf(range, 'application/dicom') !== 'application/dicom') continue;
    const syntax = range.transferSyntax;
    if (anySyntax(syntax)) return null;
    const target = syntax as string;
    if ([...storedSyntaxes].every((stored) => canProduce(stored, target))) return target;
  }
  throw new NotAcceptableError(
    `Offered: multipart/related; type="application/dicom"; transfer-syntax=${[...storedSyntaxes].join(' or ')} (or *), or a syntax these can be transcoded to.`,
  );
}

/**
 * One instance: whether the client prefers it bare (`Accept: application/dicom`, single part, as stored
 * or with `transfer-syntax` * or the stored syntax) over any multipart range. Bare instances are what a
 * download link or `curl -o` wants, and what PACScribe can hand to S3 for large files.
 */
export function prefersSinglePartInstance(accept: string | undefined, storedSyntax: string): boolean {
  for (const range of mediaRanges(accept)) {
    if (anyMultipart(range) || range.mediaType === 'multipart/related') return false;
    if (range.mediaType !== 'application/dicom') continue;
    return anySyntax(range.transferSyntax) || range.transferSyntax === storedSyntax;
  }
  return false;
}

export interface PixelRepresentation {
  /** The multipart type parameter, and each part's Content-Type. */
  type: string;
  partContentType: string;
  /** Compressed frames sent decoded, as native little endian pixels. */
  decode?: boolean;
}

/**
 * Frames and pixel data. Native: application/octet-stream, little endian, which Explicit VR Little
 * Endian names (the PS3.18 default). Encapsulated: the stored bitstreams, labelled with their own media
 * type (image/jpeg, image/jls, image/jp2, image/jphc, image/dicom-rle) or, when asked for with
 * `transfer-syntax=*` or the stored UID, as application/octet-stream; or, when `decodable`, decoded to
 * native little endian for application/octet-stream in Explicit VR Little Endian.
 */
export function negotiatePixelData(
  accept: string | undefined,
  pixels: { encapsulated: boolean; transferSyntaxUid: string; decodable?: boolean },
): PixelRepresentation {
  const stored = pixels.transferSyntaxUid;
  const native: PixelRepresentation = {
    type: OCTET_STREAM,
    partContentType: `${OCTET_STREAM}; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}`,
  };
  const media = bitstreamMediaType(stored);
  const asMedia: PixelRepresentation = {
    type: media,
    partContentType: `${media}; transfer-syntax=${stored}`,
  };
  const asOctets: PixelRepresentation = {
    type: OCTET_STREAM,
    partContentType: `${OCTET_STREAM}; transfer-syntax=${stored}`,
  };
  for (const range of mediaRanges(accept)) {
    if (anyMultipart(range)) return pixels.encapsulated ? asMedia : native;
    const type = multipartOf(range, OCTET_STREAM);
    const syntax = range.transferSyntax;
    if (!pixels.encapsulated) {
      const littleEndian =
        anySyntax(syntax) || syntax === EXPLICIT_VR_LITTLE_ENDIAN || syntax === IMPLICIT_VR_LITTLE_ENDIAN;
      if (type === OCTET_STREAM && littleEndian) return native;
      continue;
    }
    if (type === media && (anySyntax(syntax) || syntax === stored)) return asMedia;
    if (type === OCTET_STREAM && (syntax === '*' || syntax === stored)) return asOctets;
    // Octets in Explicit VR Little Endian (named, or the PS3.18 default when none is): decoded frames.
    const decodedSyntax = syntax === undefined || syntax === EXPLICIT_VR_LITTLE_ENDIAN;
    if (type === OCTET_STREAM && decodedSyntax && pixels.decodable) return { ...native, decode: true };
  }
  throw new NotAcceptableError(
    pixels.encapsulated
      ? `Offered: multipart/related; type="${media}" (or "${OCTET_STREAM}"; transfer-syntax=${stored}${pixels.decodable ? ` or ${EXPLICIT_VR_LITTLE_ENDIAN}` : ''}).`
      : `Offered: multipart/related; type="${OCTET_STREAM}"; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}.`,
  );
}

/**
 * A bulk data value other than compressed pixel data: multipart/related; type="application/octet-stream",
 * or the bare value when the client asks for single-part application/octet-stream (as viewers configured
 * with `singlepart: bulkdata` do).
 */
export function negotiateBulkData(accept: string | undefined): 'multipart' | 'single-part' {
  for (const range of mediaRanges(accept)) {
    if (anyMultipart(range)) return 'multipart';
    if (range.mediaType === OCTET_STREAM) return 'single-part';
    const syntax = range.transferSyntax;
    const littleEndian =
      anySyntax(syntax) || syntax === EXPLICIT_VR_LITTLE_ENDIAN || syntax === IMPLICIT_VR_LITTLE_ENDIAN;
    if (multipartOf(range, OCTET_STREAM) === OCTET_STREAM && littleEndian) return 'multipart';
  }
  throw new NotAcceptableError(
    `Offered: multipart/related; type="${OCTET_STREAM}", or ${OCTET_STREAM} alone.`,
  );
}
