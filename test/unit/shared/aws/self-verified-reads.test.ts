import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SELF_VERIFIED_READS, s3SelfVerifyingClient } from '../../../../functions/shared/aws/clients';

/**
 * A stand-in S3 that answers every GET with the same bytes and a stored SHA-256 that is not theirs, as S3
 * would for an object whose bytes changed after it was stored; it keeps the headers each request carried.
 */
const object = Buffer.alloc(64 * 1024, 7);
const storedChecksum = createHash('sha256').update('other bytes').digest('base64');
const requests: IncomingHttpHeaders[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.headers);
    response.writeHead(200, {
      'content-type': 'application/dicom',
      'content-length': String(object.length),
      'x-amz-checksum-sha256': storedChecksum,
    });
    response.end(object);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
});

const clientWith = (config: Partial<S3ClientConfig>) =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...config,
  });

async function getWhole(client: S3Client) {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: 'imaging', Key: 'org/instance.dcm' }));
  return Buffer.from((await Body?.transformToByteArray()) ?? []);
}

describe("the imaging store's S3 client", () => {
  it("by default, the SDK asks S3 for the object's stored checksum and hashes every whole GET against it", async () => {
    const client = clientWith({});

    await expect(getWhole(client)).rejects.toThrow(/checksum/i);
    expect(requests[0]?.['x-amz-checksum-mode']).toBe('ENABLED');
    client.destroy();
  });

  it("leaves the check to PACScribe's own SHA-256 of each whole instance: no checksum asked for, nothing hashed twice", async () => {
    const client = clientWith(SELF_VERIFIED_READS);

    // The bytes come back as S3 sent them; verified-read then refuses them against the digest recorded at
    // ingest before any of them is sent (test/unit/imaging/core/wado-retrieval.test.ts).
    await expect(getWhole(client)).resolves.toEqual(object);
    expect(requests[0]?.['x-amz-checksum-mode']).toBeUndefined();
    client.destroy();
  });

  it('s3SelfVerifyingClient, which the imaging store is built with, is configured so', async () => {
    await expect(s3SelfVerifyingClient().config.responseChecksumValidation()).resolves.toBe('WHEN_REQUIRED');
  });
});
