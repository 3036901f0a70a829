import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toItem } from '../../../../functions/audit/adapters/dynamo-audit-log';
import { S3AuditArchive } from '../../../../functions/audit/adapters/s3-audit-archive';
import {
  ARCHIVE_WRITES_IN_FLIGHT,
  type AuditArchive,
  archiveKey,
  archiveRecords,
} from '../../../../functions/audit/core/archive';
import { chainRecord } from '../../../../functions/audit/core/hash-chain';
import { AUDIT_RECORD_CHANGED, logger } from '../../../../functions/shared/logger';
import { auditRecordFixture } from '../../../support/audit-records';

const client = new S3Client({ region: 'us-east-1' });
const s3 = mockClient(client);
afterEach(() => s3.reset());

const record = chainRecord(auditRecordFixture({ source: { ip: null, userAgent: null } }), 7, null);

describe('the audit archive', () => {
  it('[PP-18] writes each record once, under a key from its organization and chain position', async () => {
    s3.on(PutObjectCommand).resolves({});

    await expect(archiveRecords(new S3AuditArchive(client, 'archive'), [record])).resolves.toEqual({
      stored: 1,
      skipped: 0,
    });
    expect(archiveKey(record)).toBe('audit/org=org-a/chain=07/seq=000000000001.json');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'archive',
      Key: 'audit/org=org-a/chain=07/seq=000000000001.json',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      Body: JSON.stringify(record),
    });
  });

  it('treats a redelivered record as already archived', async () => {
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      }),
    );

    await expect(archiveRecords(new S3AuditArchive(client, 'archive'), [record])).resolves.toEqual({
      stored: 0,
      skipped: 1,
    });
  });
});

/** An archive whose writes wait to be let go, counting how many are in flight at once. */
function gatedArchive(fails?: (key: string) => boolean) {
  const state = { inFlight: 0, mostInFlight: 0, started: 0, stored: [] as string[] };
  const archive: AuditArchive = {
    put: async (key) => {
      state.started += 1;
      state.inFlight += 1;
      state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      state.inFlight -= 1;
      if (fails?.(key)) throw new Error('S3 refused the write');
      state.stored.push(key);
      return 'stored';
    },
  };
  return { archive, state };
}

const batchOf = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    chainRecord(auditRecordFixture({}, `rec-${index + 1}`), index % 16, null),
  ).map((chained, index) => ({ ...chained, seq: index + 1 }));

describe("the archiver's throughput", () => {
  it('[PP-18] archives a stream batch of 100 records, 16 writes in flight at a time, and every one of them', async () => {
    const { archive, state } = gatedArchive();
    const batch = batchOf(100);

    await expect(archiveRecords(archive, batch)).resolves.toEqual({ stored: 100, skipped: 0 });

    expect(state.mostInFlight).toBe(ARCHIVE_WRITES_IN_FLIGHT);
    expect(new Set(state.stored)).toEqual(new Set(batch.map(archiveKey)));
  });

  it('starts no write after one fails, and lets those already started settle before it throws', async () => {
    const batch = batchOf(100);
    const failing = archiveKey(batch[2] as (typeof batch)[number]);
    const { archive, state } = gatedArchive((key) => key === failing);

    await expect(archiveRecords(archive, batch)).rejects.toThrow('S3 refused the write');

    // The batch is redelivered whole, so stopping early loses nothing; nothing is left writing.
    expect(state.inFlight).toBe(0);
    expect(state.started).toBeLessThan(2 * ARCHIVE_WRITES_IN_FLIGHT);
  });
});

describe('tampering seen on the audit table stream', () => {
  it('[PP-18] reports every modify or remove, by table position only, archives only inserts and signs their chain head', async () => {
    process.env.AUDIT_ARCHIVE_BUCKET_NAME = 'archive';
    process.env.AUDIT_CHECKPOINT_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/checkpoints';
    process.env.AWS_REGION = 'us-east-1';
    // The handler builds its own clients: mock every S3 and KMS client.
    const anyS3 = mockClient(S3Client);
    anyS3.on(PutObjectCommand).resolves({});
    const anyKms = mockClient(KMSClient);
    anyKms.on(SignCommand).resolves({ Signature: new Uint8Array([48, 6, 2, 1, 1, 2, 1, 1]) });
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { handler } = await import('../../../../functions/audit/handlers/archive-audit-records');
    const keys = (seq: number) => ({ pk: { S: 'ORG#org-a#CHAIN#07' }, sk: { S: `SEQ#${seq}` } });
    const event = {
      Records: [
        { eventName: 'INSERT', dynamodb: { Keys: keys(1), NewImage: marshall(toItem(record)) } },
        { eventName: 'MODIFY', dynamodb: { Keys: keys(1), NewImage: marshall(toItem(record)) } },
        { eventName: 'REMOVE', dynamodb: { Keys: keys(2) } },
      ],
    };

    const result = await handler(event as never, {} as never);

    expect(result).toEqual({ stored: 1, skipped: 0, checkpoints: 1 });
    expect(logged.mock.calls.map(([message, fields]) => [message, fields])).toEqual([
      [AUDIT_RECORD_CHANGED, { change: 'MODIFY', partition: 'ORG#org-a#CHAIN#07', position: 'SEQ#1' }],
      [AUDIT_RECORD_CHANGED, { change: 'REMOVE', partition: 'ORG#org-a#CHAIN#07', position: 'SEQ#2' }],
    ]);
    expect(JSON.stringify(logged.mock.calls)).not.toContain(record.actor.userId ?? 'no-user');
    expect(anyS3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
    expect(anyS3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: 'checkpoints/org=org-a/chain=07/seq=000000000001.json',
      IfNoneMatch: '*',
    });
    expect(anyKms).toHaveReceivedCommandWith(SignCommand, { KeyId: process.env.AUDIT_CHECKPOINT_KEY_ARN });
    logged.mockRestore();
    anyS3.restore();
    anyKms.restore();
  });
});
