import { PayloadTooLargeError } from '../../shared/errors';
import { malformedMultipart, partContentType } from './multipart-related';

export interface StreamLimits {
  /** Larger parts are skipped (their bytes are read past, never kept) and reported as too large. */
  maxPartBytes: number;
  /** Counting from the start of the body, resumed reads included. */
  maxParts: number;
  maxHeaderBytes: number;
}

export interface StreamedPart {
  contentType: string;
  /** Null when the part was larger than maxPartBytes. */
  body: Buffer | null;
  sizeBytes: number;
  /** Offset of the next part's opening delimiter: reading can resume there. */
  nextOffset: number;
}

/** A preamble longer than this before the first delimiter is not a STOW-RS body. */
const MAX_PREAMBLE_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');

/**
 * Reads a `multipart/related` body from a stream, one part at a time, with the same rules as
 * readMultipartRelated. Memory is bounded by one part (at most maxPartBytes) plus one chunk.
 * `resume` restarts at a `nextOffset` reported earlier, where the body must continue with a delimiter.
 */
export async function* readMultipartRelatedStream(
  source: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: StreamLimits,
  resume: { offset: number; partsRead: number } = { offset: 0, partsRead: 0 },
): AsyncGenerator<StreamedPart, void, undefined> {
  const delimiter = Buffer.from(`--${boundary}`);
  const partEnd = Buffer.concat([CRLF, delimiter]);
  const chunks = source[Symbol.asyncIterator]();
  let window: Buffer = Buffer.alloc(0);
  /** Offset in the whole body of window[0]. */
  let base = resume.offset;
  let parts = resume.partsRead;
  const more = async (): Promise<boolean> => {
    const next = await chunks.next();
    if (next.done) return false;
    window = window.length === 0 ? Buffer.from(next.value) : Buffer.concat([window, next.value]);
    return true;
  };
  const consume = (count: number) => {
    window = window.subarray(count);
    base += count;
  };
  const need = async (count: number, failure: string) => {
    while (window.length < count) if (!(await more())) throw malformedMultipart(failure);
  };

  // The first delimiter may follow a preamble, and then starts a line; a resumed read starts on one.
  let first = window.indexOf(delimiter);
  while (first < 0) {
    if (window.length > MAX_PREAMBLE_BYTES || !(await more()))
      throw malformedMultipart('no opening boundary');
    first = window.indexOf(delimiter);
  }
  if (resume.offset > 0 ? first !== 0 : first > 0 && !window.subarray(first - 2, first).equals(CRLF)) {
    throw malformedMultipart('no opening boundary');
  }
  consume(first);

  while (true) {
    await need(delimiter.length + 2, 'the body ends before its closing boundary');
    const after = window.subarray(delimiter.length, delimiter.length + 2).toString('latin1');
    if (after === '--') return; // close delimiter; an epilogue may follow and is not read
    if (after !== '\r\n') throw malformedMultipart('boundary not followed by a line break');
    if (parts === limits.maxParts)
      throw new PayloadTooLargeError(`At most ${limits.maxParts} parts are accepted.`);
    parts += 1;
    consume(delimiter.length + 2);

    let headerEnd = window.indexOf('\r\n\r\n');
    while (headerEnd < 0 && window.length <= limits.maxHeaderBytes) {
      if (!(await more())) break;
      headerEnd = window.indexOf('\r\n\r\n');
    }
    if (headerEnd < 0 || headerEnd > limits.maxHeaderBytes)
      throw malformedMultipart('part headers not terminated');
    const contentType = partContentType(window.subarray(0, headerEnd).toString('latin1'));
    consume(headerEnd + 4);

    const kept: Buffer[] = [];
    let size = 0;
    let end = window.indexOf(partEnd);
    while (end < 0) {
      // Everything but a tail that could begin the delimiter belongs to the part.
      const settled = Math.max(0, window.length - (partEnd.length - 1));
      size += settled;
      if (size <= limits.maxPartBytes) kept.push(window.subarray(0, settled));
      else kept.length = 0;
      consume(settled);
      if (!(await more())) throw malformedMultipart('the body ends before its closing boundary');
      end = window.indexOf(partEnd);
    }
    size += end;
    const body = size <= limits.maxPartBytes ? Buffer.concat([...kept, window.subarray(0, end)]) : null;
    kept.length = 0;
    consume(end + CRLF.length);
    yield { contentType, body, sizeBytes: size, nextOffset: base };
  }
}
