import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { s3Client } from '../../shared/aws/clients';
import { bindingEnv } from '../../shared/binding-env';
import { once } from '../../shared/once';
import { fromItem } from '../adapters/dynamo-audit-log';
import { S3AuditArchive } from '../adapters/s3-audit-archive';
import { archiveRecords } from '../core/archive';

const archive = once(
  () => new S3AuditArchive(s3Client(), bindingEnv('audit-archive:write').AUDIT_ARCHIVE_BUCKET_NAME),
);

/** DynamoDB stream → Object Lock archive. Only inserts exist on an append-only table; anything else is ignored. */
export const handler = middy<DynamoDBStreamEvent>().handler(async (event) => {
  const records = event.Records.flatMap((record) =>
    record.eventName === 'INSERT' && record.dynamodb?.NewImage
      ? // Exactly the hashed record: storage attributes (keys, filter copies) stay behind.
        [fromItem(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>))]
      : [],
  );
  return archiveRecords(archive(), records);
});
