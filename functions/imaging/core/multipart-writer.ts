/** One part of a multipart/related response; its bytes are opened only when the part is reached. */
export interface OutgoingPart {
  contentType: string;
  /** Where the part's own resource is (PS3.18 §8.7.3.4), path-absolute. */
  contentLocation?: string;
  open: () => Promise<AsyncIterable<Uint8Array>>;
  /** For a part read from storage: its read can start before the part is reached. */
  readAhead?: ReadAhead;
}

/** A storage read started ahead of need, and let go if its part is never reached. */
export interface ReadAhead {
  start(): void;
  release(): Promise<void>;
}

/**
 * How many parts' storage reads run ahead of the part being sent, so a series of N instances waits for
 * about N / (1 + READ_AHEAD_PARTS) storage round trips rather than N.
 */
export const READ_AHEAD_PARTS = 4;

interface HeldRead {
  source: AsyncIterable<Uint8Array>;
  close: () => Promise<void>;
}

/** Reads a source to its end, or until it passes maxBytes (a copy larger than recorded), and holds it. */
async function held(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<HeldRead> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let ended = false;
  while (bytes <= maxBytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    bytes += next.value.length;
  }
  const rest = { [Symbol.asyncIterator]: () => iterator };
  return {
    source: (async function* () {
      yield* chunks.splice(0);
      if (!ended) yield* rest;
    })(),
    close: async () => {
      if (!ended) await iterator.return?.();
    },
  };
}

/**
 * A storage read that may start early (`readAhead.start`) or when its part is opened (`take`), once.
 * Only a part of at most `maxBytes` is read ahead, and then read whole: a read paused halfway would keep
 * its connection from the pool, and reads waiting on each other's connections would never finish. So a
 * request holds at most READ_AHEAD_PARTS × maxBytes ahead. A failed read ahead waits for `take`: a part
 * never reached cannot fail the response.
 */
export function prefetchable(
  read: () => Promise<AsyncIterable<Uint8Array>>,
  sizeBytes: number,
  maxBytes: number,
): { take: () => Promise<AsyncIterable<Uint8Array>>; readAhead: ReadAhead } {
  let ahead: Promise<HeldRead> | null = null;
  let taken = false;
  return {
    take: async () => {
      taken = true;
      return ahead ? (await ahead).source : read();
    },
    readAhead: {
      start: () => {
        if (ahead || taken || sizeBytes > maxBytes) return;
        ahead = read().then((source) => held(source, maxBytes));
        ahead.catch(() => undefined);
      },
      release: async () => {
        if (!ahead || taken) return;
        taken = true;
        await (await ahead.catch(() => null))?.close();
      },
    },
  };
}

const CRLF = Buffer.from('\r\n');

/**
 * A multipart/related body (RFC 2387) written one part at a time, so memory holds at most one part's
 * pending bytes (and the parts read ahead). A part's headers go out only once its
 * first bytes are ready (for verified content: once it has been checked, or once it is too large to
 * hold), and the closing delimiter only after the last part ended cleanly: a part that fails leaves the
 * body without it, so the client sees a broken transfer. Reads started ahead and never reached (the
 * client went away, a part failed) are closed when the body ends.
 */
export async function* multipartRelated(
  boundary: string,
  parts: readonly OutgoingPart[],
): AsyncGenerator<Uint8Array> {
  try {
    for (const [at, part] of parts.entries()) {
      const opening = part.open();
      for (const next of parts.slice(at + 1, at + 1 + READ_AHEAD_PARTS)) next.readAhead?.start();
      const iterator = (await opening)[Symbol.asyncIterator]();
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
  } finally {
    await Promise.all(parts.map((part) => part.readAhead?.release()));
  }
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
