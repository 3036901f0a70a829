/** One part of a multipart/related response; its bytes are opened only when the part is reached. */
export interface OutgoingPart {
  contentType: string;
  /** Where the part's own resource is (PS3.18 §8.7.3.4), path-absolute. */
  contentLocation?: string;
  open: () => Promise<AsyncIterable<Uint8Array>>;
}

const CRLF = Buffer.from('\r\n');

/**
 * A multipart/related body (RFC 2387) written one part at a time, so memory holds at most one part's
 * pending bytes. A part's headers go out only once its first bytes are ready (for verified content: once
 * it has been checked, or once it is too large to hold), and the closing delimiter only after the last
 * part ended cleanly: a part that fails leaves the body without it, so the client sees a broken transfer.
 */
export async function* multipartRelated(
  boundary: string,
  parts: Iterable<OutgoingPart> | AsyncIterable<OutgoingPart>,
): AsyncGenerator<Uint8Array> {
  for await (const part of parts) {
    const iterator = (await part.open())[Symbol.asyncIterator]();
    try {
      const first = await iterator.next();
      const location = part.contentLocation ? `Content-Location: ${part.contentLocation}\r\n` : '';
      yield Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType}\r\n${location}\r\n`);
      for (let next = first; !next.done; next = await iterator.next()) yield next.value;
      yield CRLF;
    } finally {
      await iterator.return?.();
    }
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

/**
 * Produces the first chunk of a body before any of it is sent: failures that happen before the first
 * byte (the first part missing, or failing its check) can then still become an ordinary error response.
 */
export async function primed(source: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: IteratorResult<Uint8Array> | null = await iterator.next();
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (pending === null) return iterator.next();
        const first = pending;
        pending = null;
        return first;
      },
      return: async () => {
        pending = null;
        return (await iterator.return?.()) ?? { done: true, value: undefined };
      },
    }),
  };
}
