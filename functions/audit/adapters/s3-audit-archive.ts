import { PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AuditArchive } from '../core/archive';

/**
 * Writes to the Object Lock bucket. If-None-Match makes a redelivered stream record a no-op instead of a
 * second version; the bucket's default retention (compliance mode) applies to every object.
 */
export class S3AuditArchive implements AuditArchive {
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
}
