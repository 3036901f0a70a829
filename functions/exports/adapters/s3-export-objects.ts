import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportObjects } from '../core/ports';

/** Multipart size of written parts: memory per upload is about partSize × queueSize (32 MiB). */
const UPLOAD_PART_BYTES = 16 * 1024 * 1024;
const UPLOAD_QUEUE = 2;

/** The exports bucket (SSE-KMS by bucket default; objects expire by its lifecycle rule). */
export class S3ExportObjects implements ExportObjects {
  constructor(
    private readonly client: S3Client,
    /** A client that adds no flexible checksum to presigned URLs (a browser could not match it). */
    private readonly presigningClient: S3Client,
    private readonly bucketName: string,
  ) {}

  async putJson(key: string, value: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async getJson(key: string): Promise<unknown> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key }));
    if (!Body) throw new Error('S3 returned no body');
    return JSON.parse(await Body.transformToString('utf8'));
  }

  /** lib-storage's managed upload: multipart as the stream goes, aborted (no object) when it fails. */
  async upload(key: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucketName, Key: key, Body: toReadable(body), ContentType: 'application/zip' },
      partSize: UPLOAD_PART_BYTES,
      queueSize: UPLOAD_QUEUE,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async deleteAll(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucketName,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  presign(key: string, seconds: number, filename: string): Promise<string> {
    return getSignedUrl(
      this.presigningClient,
      new GetObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${filename}"`,
        ResponseContentType: 'application/zip',
      }),
      { expiresIn: seconds },
    );
  }
}

/** lib-storage reads a Node Readable page by page; its failure aborts the multipart upload. */
const toReadable = (body: AsyncIterable<Uint8Array>) => Readable.from(body, { objectMode: false });
