import { createHash } from 'node:crypto';
import { IntegrityCheckFailedError } from '../../shared/errors';
import { rangeDigest } from './instance-layout';

/** What stored bytes must hash to: a whole object's SHA-256, or a range's 128-bit digest. */
export interface ExpectedContent {
  kind: 'object' | 'range';
  digest: string;
  /** Exact byte count when known in advance (whole objects); null for fragment values. */
  length: number | null;
}

const corrupt = () =>
  new IntegrityCheckFailedError('The stored copy failed its integrity check; it was not served.');

/**
 * Passes stored bytes on only as far as they can be trusted. Content up to holdBytes is held until it
 * has been verified, so a mismatch sends none of it; larger content is verified while it passes and a
 * mismatch throws before its end, failing the stream. Memory stays bounded by holdBytes either way.
 */
export async function* verifiedContent(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedContent,
  holdBytes: number,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  const held: Uint8Array[] = [];
  let length = 0;
  let passing = false;
  for await (const chunk of source) {
    length += chunk.length;
    // Never more than was stored, whatever the source sends.
    if (expected.length !== null && length > expected.length) throw corrupt();
    hash.update(chunk);
    if (passing) {
      yield chunk;
      continue;
    }
    held.push(chunk);
    if (length > holdBytes) {
      passing = true;
      yield* held;
      held.length = 0;
    }
  }
  const actual = expected.kind === 'object' ? hash.digest('hex') : rangeDigest(hash);
  if (actual !== expected.digest || (expected.length !== null && length !== expected.length)) throw corrupt();
  yield* held;
}

const ITEM_TAG = Buffer.from([0xfe, 0xff, 0x00, 0xe0]);

/**
 * The values of consecutive encapsulated items (PS3.5 A.4): each is an (FFFE,E000) tag, a 32-bit length
 * and that many bytes. Headers may be split across chunks. Anything else, or a range that ends inside
 * an item, is a corrupt copy.
 */
export async function* fragmentValues(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let header = Buffer.alloc(0);
  let remaining = 0;
  for await (const incoming of source) {
    let chunk = Buffer.from(incoming.buffer, incoming.byteOffset, incoming.byteLength);
    while (chunk.length > 0) {
      if (remaining > 0) {
        const value = chunk.subarray(0, remaining);
        remaining -= value.length;
        chunk = chunk.subarray(value.length);
        yield value;
        continue;
      }
      const needed = 8 - header.length;
      header = Buffer.concat([header, chunk.subarray(0, needed)]);
      chunk = chunk.subarray(needed);
      if (header.length < 8) break;
      if (!header.subarray(0, 4).equals(ITEM_TAG)) throw corrupt();
      remaining = header.readUInt32LE(4);
      header = Buffer.alloc(0);
    }
  }
  if (remaining > 0 || header.length > 0) throw corrupt();
}
