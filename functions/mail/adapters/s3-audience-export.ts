import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MarketingAudienceExport } from '../core/ports';

/** Where the audience lives in its bucket: one JSON object per subscribed person, keyed by user id. */
export const AUDIENCE_PREFIX = 'audience/';

/**
 * PACScribe's own outbound marketing audience [PP-04]: a bucket in PACScribe's account that staff tools
 * read (`npm run campaign -- --audience`). An opt-out deletes the person's object; the bucket keeps no
 * older version past a day (lifecycle), so the address is gone from it too.
 */
export class S3AudienceExport implements MarketingAudienceExport {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async include(entry: { userId: string; orgId: string; email: string; role: string; updatedAt: string }) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucketName,
        Key: `${AUDIENCE_PREFIX}${entry.userId}.json`,
        Body: JSON.stringify(entry),
        ContentType: 'application/json',
      }),
    );
  }

  async exclude(userId: string) {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucketName, Key: `${AUDIENCE_PREFIX}${userId}.json` }),
    );
  }
}
