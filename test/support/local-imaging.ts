import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { localConfig } from './local-client';

/**
 * Direct access to the local stand-ins behind the imaging store: to find where an instance is kept, to
 * corrupt it as a failing disk or an intruder would, and to check that it is gone.
 */
export function localImagingStorage() {
  const config = localConfig();
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: config.endpoints.dynamodb, region: config.region, credentials }),
  );
  const s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    credentials,
    forcePathStyle: true,
  });
  return {
    async objectKeyOf(orgId: string, study: string, sop: string): Promise<string> {
      const { Item } = await dynamo.send(
        new GetCommand({
          TableName: config.tables.imaging,
          Key: { pk: `ORG#${orgId}#STUDY#${study}`, sk: `SOP#${sop}` },
        }),
      );
      return String(Item?.objectKey);
    },
    async corrupt(key: string, at: number): Promise<Buffer> {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: config.imagingBucket, Key: key }));
      const bytes = Buffer.from(
        await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      await s3.send(new PutObjectCommand({ Bucket: config.imagingBucket, Key: key, Body: bytes }));
      return bytes;
    },
    async objectExists(key: string): Promise<boolean> {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: config.imagingBucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
          return false;
        throw error;
      }
    },
    close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}
