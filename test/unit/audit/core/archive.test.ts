import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3AuditArchive } from '../../../../functions/audit/adapters/s3-audit-archive';
import { archiveKey, archiveRecords } from '../../../../functions/audit/core/archive';
import { chainRecord } from '../../../../functions/audit/core/hash-chain';
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
