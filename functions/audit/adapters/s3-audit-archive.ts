import {
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { AuditArchive, AuditArchiveReader } from '../core/archive';

/**
 * Writes to the Object Lock bucket. If-None-Match makes a redelivered stream record a no-op instead of a
 * second version; the bucket's default retention (compliance mode) applies to every object. Reading back
 * (list, get) is for audit:verify, under a reviewer's credentials; the archiver is granted PutObject only.
 */
export class S3AuditArchive implements AuditArchive, AuditArchiveReader {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async put(key: string, body: string): Promise<'stored' | 'already-archived'> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucketName,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
          IfNoneMatch: '*',
        }),
      );
      return 'stored';
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)
        return 'already-archived';
      throw error;
    }
  }

  async *keys(prefix: string): AsyncGenerator<string> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucketName, Prefix: prefix });
    for await (const page of pages)
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
  }

  async get(key: string): Promise<string> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key }));
    if (!Body) throw new Error(`archive object ${key} has no body`);
    return Body.transformToString('utf8');
  }
}
