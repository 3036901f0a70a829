import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../core/ports';

/** Part-10 files in the imaging bucket (SSE-KMS by bucket default), with the SHA-256 checked by S3 on write. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async put(key: string, body: Buffer, sha256Base64: string): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.bucketName,
      Key: key,
      Body: body,
      ContentType: 'application/dicom',
      ChecksumSHA256: sha256Base64,
    });
    // SigV4 signs the body's SHA-256 (x-amz-content-sha256). Given it, the signer uses it; otherwise it
    // would hash the whole body again for the digest the caller already has. S3 checks the body against it.
    const payloadSha256 = Buffer.from(sha256Base64, 'base64').toString('hex');
    command.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers['x-amz-content-sha256'] = payloadSha256;
        return next(args);
      },
      { step: 'build', name: 'knownPayloadSha256' },
    );
    await this.client.send(command);
  }

  async get(key: string): Promise<Buffer> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key }));
    if (!Body) throw new Error('empty object');
    return Buffer.from(await Body.transformToByteArray());
  }

  async read(key: string, range?: { start: number; end: number }): Promise<AsyncIterable<Uint8Array>> {
    if (range && (range.end <= range.start || range.start < 0)) throw new Error('empty or negative range');
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        // HTTP ranges are inclusive at both ends.
        ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
      }),
    );
    if (!Body) throw new Error('empty object');
    // In Node the SDK's body is a Readable: chunks arrive as S3 sends them, with backpressure.
    return Body as unknown as AsyncIterable<Uint8Array>;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: key }));
  }
}
