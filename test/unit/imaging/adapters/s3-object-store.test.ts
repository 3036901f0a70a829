import { createHash, type Hash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../../../functions/imaging/adapters/s3-object-store';

/** A stand-in S3 that accepts every PUT and keeps each request's headers and body. */
const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200, { etag: '"x"' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Bytes the client's SHA-256 hashed: SigV4's payload hash is one of its users. */
let hashedBytes = 0;
class CountingSha256 {
  private readonly hash: Hash = createHash('sha256');
  update(data: Uint8Array | string) {
    hashedBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

describe("the imaging store's object writes", () => {
  it('sign the SHA-256 the caller computed, so the SDK does not hash the body a second time', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      sha256: CountingSha256,
    });
    const body = Buffer.alloc(512 * 1024, 3);
    const digest = createHash('sha256').update(body).digest();
    hashedBytes = 0;

    await new S3ObjectStore(client, 'imaging').put('org/o/instances/1.dcm', body, digest.toString('base64'));

    const [request] = received;
    expect(request?.body.equals(body)).toBe(true);
    expect(request?.headers['x-amz-content-sha256']).toBe(digest.toString('hex'));
    expect(request?.headers['x-amz-checksum-sha256']).toBe(digest.toString('base64'));
    // Only the signature's own small strings were hashed, not the 512 KiB body.
    expect(hashedBytes).toBeLessThan(4 * 1024);
    client.destroy();
  });
});
