import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { CompleteUploadResult, StagingArea } from '../core/upload-ports';

/** Ranged reads: each range is read in full, so no connection idles while an instance is stored. */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/**
 * Multipart uploads into the imaging bucket's staging prefix (SSE-KMS by bucket default). Part URLs
 * are signed with the part's Content-Length, so S3 refuses a PUT of any other size.
 */
export class S3StagingArea implements StagingArea {
  constructor(
    private readonly client: S3Client,
    /** A client that adds no flexible checksum to presigned URLs (a browser could not match it). */
    private readonly presigningClient: S3Client,
    private readonly bucketName: string,
  ) {}

  async startUpload(key: string): Promise<string> {
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucketName, Key: key }),
    );
    if (!UploadId) throw new Error('S3 returned no upload id');
    return UploadId;
  }

  presignPart(
    key: string,
    uploadId: string,
    part: { partNumber: number; sizeBytes: number },
    expiresInSeconds: number,
  ): Promise<string> {
    return getSignedUrl(
      this.presigningClient,
      new UploadPartCommand({
        Bucket: this.bucketName,
        Key: key,
        UploadId: uploadId,
        PartNumber: part.partNumber,
        ContentLength: part.sizeBytes,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async completeUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<CompleteUploadResult> {
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucketName,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
      return 'completed';
    } catch (error) {
      const name = errorName(error);
      if (['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML'].includes(name)) {
        return 'parts-rejected';
      }
      if (name === 'NoSuchUpload') return 'no-such-upload';
      throw error;
    }
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucketName, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (errorName(error) !== 'NoSuchUpload') throw error;
    }
  }

  async sizeOf(key: string): Promise<number | null> {
    try {
      const { ContentLength } = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucketName, Key: key }),
      );
      return ContentLength ?? null;
    } catch (error) {
      if (['NotFound', 'NoSuchKey'].includes(errorName(error))) return null;
      throw error;
    }
  }

  async *read(key: string, from: number, size: number): AsyncIterable<Buffer> {
    for (let start = from; start < size; start += READ_CHUNK_BYTES) {
      const end = Math.min(size, start + READ_CHUNK_BYTES) - 1;
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucketName, Key: key, Range: `bytes=${start}-${end}` }),
      );
      if (!Body) throw new Error('empty object');
      const bytes = Buffer.from(await Body.transformToByteArray());
      if (bytes.length !== end - start + 1) throw new Error('short ranged read');
      yield bytes;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: key }));
  }
}
