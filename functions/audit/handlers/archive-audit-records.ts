import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { s3Client } from '../../shared/aws/clients';
import { bindingEnv } from '../../shared/binding-env';
import { logAuditRecordChanged } from '../../shared/logger';
import { once } from '../../shared/once';
import { systemClock } from '../../shared/ports';
import { fromItem } from '../adapters/dynamo-audit-log';
import { KmsCheckpointSigner } from '../adapters/kms-checkpoint-signer';
import { S3AuditArchive } from '../adapters/s3-audit-archive';
import { tamperingIn } from '../core/archive';
import { archiveAndCheckpoint } from '../core/checkpoints';

// Only this function signs, so the KMS client lives here rather than in the shared clients.
const kmsClient = /* @__PURE__ */ once(() => new KMSClient({}));

const witness = /* @__PURE__ */ once(() => ({
  archive: new S3AuditArchive(s3Client(), bindingEnv('audit-archive:write').AUDIT_ARCHIVE_BUCKET_NAME),
  signer: new KmsCheckpointSigner(kmsClient(), bindingEnv('audit-checkpoint:sign').AUDIT_CHECKPOINT_KEY_ARN),
  clock: systemClock,
}));

/**
 * DynamoDB stream → Object Lock archive. Only inserts are legitimate on an append-only table: a modify or
 * remove is reported (the audit-tamper alarm counts these log lines) and never archived. After each batch
 * the newest record of every chain it touched is signed (KMS) and the checkpoint archived beside it: the
 * witness that audit:verify holds the table to.
 */
export const handler = middy<DynamoDBStreamEvent>().handler(async (event) => {
  const changes = event.Records.map((record) => ({
    eventName: record.eventName ?? 'INSERT',
    keys: {
      pk: String(record.dynamodb?.Keys?.pk?.S ?? ''),
      sk: String(record.dynamodb?.Keys?.sk?.S ?? ''),
    },
  }));
  for (const change of tamperingIn(changes)) {
    logAuditRecordChanged({
      change: change.eventName === 'REMOVE' ? 'REMOVE' : 'MODIFY',
      partition: change.keys.pk,
      position: change.keys.sk,
    });
  }
  const records = event.Records.flatMap((record) =>
    record.eventName === 'INSERT' && record.dynamodb?.NewImage
      ? // Exactly the hashed record: storage attributes (keys, filter copies) stay behind.
        [fromItem(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>))]
      : [],
  );
  return archiveAndCheckpoint(witness(), records);
});
