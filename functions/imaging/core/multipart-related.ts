import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../shared/errors';

/** Bounds for one STOW-RS request body; counts and sizes are checked as the body is walked. */
export const MULTIPART_LIMITS = { maxParts: 100, maxPartBytes: 5 * 1024 * 1024, maxHeaderBytes: 8 * 1024 };
export type MultipartLimits = typeof MULTIPART_LIMITS;

export interface RelatedPart {
  contentType: string;
  body: Buffer;
}

/**
 * RFC 2046 §5.1.1's alphabet, not ending in a space. RFC 2046 caps a boundary at 70 characters, but
 * deployed clients send longer ones (Orthanc's DICOMweb client: 73), so up to 200 are taken; the body's
 * own limits bound the work either way.
 */
export const MAX_BOUNDARY_LENGTH = 200;
const BOUNDARY = new RegExp(
  `^[0-9A-Za-z'()+_,\\-./:=? ]{0,${MAX_BOUNDARY_LENGTH - 1}}[0-9A-Za-z'()+_,\\-./:=?]$`,
);

/** Media type and parameters of a Content-Type header; parameter names are case-insensitive. */
export function parseContentType(header: string): { mediaType: string; parameters: Record<string, string> } {
  const [type = '', ...rest] = header.split(';');
  const parameters: Record<string, string> = {};
  for (const raw of rest) {
    const index = raw.indexOf('=');
    if (index < 0) continue;
    const name = raw.slice(0, index).trim().toLowerCase();
    let value = raw.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    parameters[name] = value;
  }
  return { mediaType: type.trim().toLowerCase(), parameters };
}

export const malformedMultipart = (message: string) =>
  new InvalidInputError('The multipart body is malformed.', [{ path: '(body)', message }]);

/** The boundary of a `multipart/related; type=<expectedType>` Content-Type; anything else is refused. */
export function relatedBoundary(contentTypeHeader: string, expectedType: string): string {
  const { mediaType, parameters } = parseContentType(contentTypeHeader);
  if (mediaType !== 'multipart/related')
    throw new UnsupportedMediaTypeError('The body must be multipart/related.');
  if ((parameters.type ?? '').toLowerCase() !== expectedType) {
    throw new UnsupportedMediaTypeError(`The multipart type parameter must be ${expectedType}.`);
  }
  const boundary = parameters.boundary ?? '';
  if (!BOUNDARY.test(boundary)) throw malformedMultipart('missing or invalid boundary');
  return boundary;
}

/** The media type a part's header block (CRLF-separated lines) declares; exactly one Content-Type. */
export function partContentType(headerBlock: string): string {
  let contentType: string | null = null;
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformedMultipart('malformed part header');
    if (line.slice(0, colon).trim().toLowerCase() === 'content-type') {
      if (contentType !== null) throw malformedMultipart('duplicate part Content-Type');
      contentType = parseContentType(line.slice(colon + 1)).mediaType;
    }
  }
  if (contentType === null) throw malformedMultipart('a part has no Content-Type');
  return contentType;
}

/**
 * Reads a `multipart/related; type="application/dicom"` body (PS3.18 STOW-RS). Strict: a missing or
 * invalid boundary, a part without Content-Type, an unterminated body, too many or too large parts are
 * refused; nothing is copied beyond the parts themselves.
 */
export function readMultipartRelated(
  body: Buffer,
  contentTypeHeader: string,
  expectedType: string,
  limits: MultipartLimits = MULTIPART_LIMITS,
): RelatedPart[] {
  const boundary = relatedBoundary(contentTypeHeader, expectedType);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RelatedPart[] = [];
  // The first delimiter may follow a preamble, and then starts a line.
  let position = body.indexOf(delimiter);
  if (position < 0 || (position > 0 && body.subarray(position - 2, position).toString('latin1') !== '\r\n')) {
    throw malformedMultipart('no opening boundary');
  }
  while (true) {
    position += delimiter.length;
    const after = body.subarray(position, position + 2).toString('latin1');
    if (after === '--') return parts; // close delimiter; an epilogue may follow and is ignored
    if (after !== '\r\n') throw malformedMultipart('boundary not followed by a line break');
    position += 2;
    if (parts.length === limits.maxParts)
      throw new PayloadTooLargeError(`At most ${limits.maxParts} parts are accepted.`);
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0 || headerEnd - position > limits.maxHeaderBytes)
      throw malformedMultipart('part headers not terminated');
    const contentType = partContentType(body.subarray(position, headerEnd).toString('latin1'));
    const start = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw malformedMultipart('the body ends before its closing boundary');
    if (next - start > limits.maxPartBytes) {
      throw new PayloadTooLargeError(`A part exceeds ${limits.maxPartBytes} bytes; use an upload session.`);
    }
    parts.push({ contentType, body: body.subarray(start, next) });
    position = next + 2;
  }
}
