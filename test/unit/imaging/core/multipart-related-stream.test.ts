import fc from 'fast-check';
import { readMultipartRelated } from '../../../../functions/imaging/core/multipart-related';
import {
  readMultipartRelatedStream,
  type StreamedPart,
} from '../../../../functions/imaging/core/multipart-related-stream';
import { InvalidInputError, PayloadTooLargeError } from '../../../../functions/shared/errors';

const BOUNDARY = 'session-boundary-7';
const LIMITS = { maxPartBytes: 1024, maxParts: 10, maxHeaderBytes: 512 };

function body(parts: { type?: string; bytes: Buffer }[], preamble = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble)];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Type: ${part.type ?? 'application/dicom'}\r\n\r\n`),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function* chunked(bytes: Buffer, sizes: number[]) {
  let at = 0;
  for (let index = 0; at < bytes.length; index += 1) {
    const size = Math.max(1, sizes[index % sizes.length] ?? 1);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function readAll(
  bytes: Buffer,
  sizes: number[] = [7],
  resume?: { offset: number; partsRead: number },
): Promise<StreamedPart[]> {
  const parts: StreamedPart[] = [];
  const source = chunked(resume ? bytes.subarray(resume.offset) : bytes, sizes);
  for await (const part of readMultipartRelatedStream(source, BOUNDARY, LIMITS, resume)) parts.push(part);
  return parts;
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('readMultipartRelatedStream', () => {
  it('reads the same parts as the whole-body reader, however the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        async (contents, sizes) => {
          const whole = body(contents.map((content) => ({ bytes: Buffer.from(content) })));
          const expected = readMultipartRelated(
            whole,
            `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
            'application/dicom',
          );

          const streamed = await readAll(whole, sizes);

          expect(streamed.map((part) => part.body)).toEqual(expected.map((part) => part.body));
          expect(streamed.map((part) => part.contentType)).toEqual(expected.map((part) => part.contentType));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports where the next part starts, so a read can resume there', async () => {
    const whole = body(
      [{ bytes: bytes('first') }, { bytes: bytes('second') }, { bytes: bytes('third') }],
      'preamble\r\n',
    );
    const [first] = await readAll(whole);

    const rest = await readAll(whole, [5], { offset: first?.nextOffset ?? 0, partsRead: 1 });

    expect(rest.map((part) => part.body?.toString('latin1'))).toEqual(['second', 'third']);
    expect(whole.subarray(first?.nextOffset ?? 0).toString('latin1')).toMatch(
      new RegExp(`^--${BOUNDARY}\r\n`),
    );
  });

  it('keeps bytes that only look like the start of a delimiter, even split across chunks', async () => {
    const tricky = bytes(`a\r\n--${BOUNDARY.slice(0, -1)}X and \r\n-${BOUNDARY} too`);

    for (const size of [1, 2, 3, 5, 8]) {
      const [part] = await readAll(body([{ bytes: tricky }]), [size]);
      expect(part?.body).toEqual(tricky);
    }
  });

  it('skips a part larger than the cap without keeping it, and reads on', async () => {
    const parts = await readAll(body([{ bytes: Buffer.alloc(5000, 1) }, { bytes: bytes('small') }]), [333]);

    expect(parts.map((part) => [part.body?.toString('latin1') ?? null, part.sizeBytes])).toEqual([
      [null, 5000],
      ['small', 5],
    ]);
  });

  it('keeps the declared type of a part that is not DICOM, for the caller to refuse', async () => {
    const [part] = await readAll(body([{ type: 'text/html', bytes: bytes('<script>') }]));

    expect(part?.contentType).toBe('text/html');
  });

  it.each([
    ['no closing boundary', body([{ bytes: bytes('x') }]).subarray(0, 60)],
    ['a part without Content-Type', bytes(`--${BOUNDARY}\r\nX-Other: 1\r\n\r\nbody\r\n--${BOUNDARY}--`)],
    ['garbage after the delimiter', bytes(`--${BOUNDARY}XX\r\n\r\nbody\r\n--${BOUNDARY}--`)],
    ['no opening boundary', bytes('just bytes, no multipart at all')],
    ['an endless preamble', Buffer.alloc(70 * 1024, 0x61)],
    [
      'unterminated part headers',
      bytes(`--${BOUNDARY}\r\nContent-Type: application/dicom${'x'.repeat(600)}`),
    ],
  ])('refuses %s as malformed', async (_case, malformed) => {
    await expect(readAll(malformed, [13])).rejects.toThrow(InvalidInputError);
  });

  it('refuses more parts than allowed, counting those read before a resume', async () => {
    const eleven = body(Array.from({ length: 11 }, () => ({ bytes: bytes('x') })));
    const [first] = await readAll(body([{ bytes: bytes('x') }]));

    await expect(readAll(eleven)).rejects.toThrow(PayloadTooLargeError);
    await expect(readAll(eleven, [7], { offset: first?.nextOffset ?? 0, partsRead: 10 })).rejects.toThrow(
      PayloadTooLargeError,
    );
  });

  it('a resumed read must start on a delimiter', async () => {
    const whole = body([{ bytes: bytes('first') }, { bytes: bytes('second') }]);

    await expect(readAll(whole, [7], { offset: 3, partsRead: 0 })).rejects.toThrow(InvalidInputError);
  });
});
