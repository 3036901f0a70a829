import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoAuditChainStore, fromItem } from '../../../../functions/audit/adapters/dynamo-audit-log';
import { chainRecord } from '../../../../functions/audit/core/hash-chain';
import { auditRecordFixture } from '../../../support/audit-records';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

const record = chainRecord(
  auditRecordFixture({
    objects: [
      { type: 'study', id: '1.2.840.1' },
      { type: 'patient', id: 'PID-7' },
    ],
  }),
  5,
  { seq: 41, hash: 'a'.repeat(64) },
);
const store = new DynamoAuditChainStore(documents, 'audit');

describe('DynamoAuditChainStore', () => {
  it('[PP-18] only ever appends: the chain position is claimed with a conditional put', async () => {
    dynamo.on(PutCommand).resolves({});

    await expect(store.insert(record)).resolves.toBe('inserted');

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'audit',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: 'ORG#org-a#CHAIN#05',
        sk: 'SEQ#000000000042',
        gsi1pk: 'ORG#org-a',
        gsi1sk: '2026-11-24T12:00:00.000Z#05#000000000042',
        studyUids: ['1.2.840.1'],
        patientIds: ['PID-7'],
        seq: 42,
      }),
    });
  });

  it('reports a lost race as a conflict', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));

    await expect(store.insert(record)).resolves.toBe('conflict');
  });

  it('reads the head with a consistent, newest-first, single-item query', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ seq: 42, hash: record.hash }] });

    await expect(store.head({ orgId: 'org-a', chain: 5 })).resolves.toEqual({ seq: 42, hash: record.hash });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': 'ORG#org-a#CHAIN#05', ':seq': 'SEQ#' },
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: 1,
    });
  });

  it('reads back exactly the hashed fields, whatever is stored beside them', () => {
    expect(fromItem({ pk: 'ORG#org-a', sk: 'SEQ#1', patientIds: [], ...record })).toEqual(record);
  });
});

describe('audit queries', () => {
  it('refuses a cursor that belongs to another organization or is not a cursor', async () => {
    const foreign = Buffer.from(
      JSON.stringify({ pk: 'ORG#org-b', sk: 'SEQ#1', gsi1pk: 'ORG#org-b', gsi1sk: 'x' }),
    ).toString('base64url');
    const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };

    await expect(store.query('org-a', range, {}, 10, foreign)).rejects.toThrow('The cursor is not valid.');
    await expect(store.query('org-a', range, {}, 10, 'not-json')).rejects.toThrow('The cursor is not valid.');
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('queries the time index of the caller organization only, with filters in DynamoDB', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [], ScannedCount: 0 });

    await store.query(
      'org-a',
      { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      { actor: 'u1', studyUid: '1.2.3' },
      10,
      undefined,
    );

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      FilterExpression: 'actorUserId = :actor AND contains(studyUids, :studyUid)',
      ExpressionAttributeValues: expect.objectContaining({
        ':pk': 'ORG#org-a',
        ':to': '2026-02-01T00:00:00.000Z#~',
      }),
    });
  });
});
