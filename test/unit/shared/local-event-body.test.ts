import { randomBytes } from 'node:crypto';
import { eventBody } from '../../../scripts/local/router';

/** Cuts `bytes` at random places, empty pieces included, as a socket may hand them over. */
function randomChunks(bytes: Buffer, random: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length =
      Math.floor(random() * 7) === 0 ? 0 : 1 + Math.floor(random() * Math.max(40, bytes.length / 8));
    chunks.push(bytes.subarray(at, at + length));
    at += length;
  }
  return chunks;
}

/** A seeded generator, so a failing case can be run again. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("the local API Gateway's event body", () => {
  it('encodes a binary body from its chunks as API Gateway encodes the whole: the same base64, wherever it was cut', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = seeded(seed);
      const bytes = randomBytes(Math.floor(random() * 300));
      const chunks = randomChunks(bytes, random);

      expect([seed, eventBody(chunks, false)]).toEqual([
        seed,
        bytes.length === 0 ? null : bytes.toString('base64'),
      ]);
    }
  });

  it('encodes each body alone when one buffer gathers them in turn, past its growth and its limit', () => {
    const sizes = [70_000, 5, 1_000_000, 3, 9 * 1024 * 1024, 64, 2 * 1024 * 1024 + 1];
    for (const size of sizes) {
      const bytes = randomBytes(size);

      expect(eventBody(randomChunks(bytes, seeded(size)), false)).toBe(bytes.toString('base64'));
    }
  });

  it('hands text bodies over as UTF-8 text, a character cut between chunks included', () => {
    const text = Buffer.from('{"name":"Zoë Müller 日本"}');

    expect(eventBody([text.subarray(0, 12), text.subarray(12, 20), text.subarray(20)], true)).toBe(
      '{"name":"Zoë Müller 日本"}',
    );
    expect(eventBody([], true)).toBeNull();
    expect(eventBody([Buffer.alloc(0)], false)).toBeNull();
  });
});
