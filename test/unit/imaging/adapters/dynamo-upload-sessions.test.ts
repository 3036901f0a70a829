import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoUploadSessions } from '../../../../functions/imaging/adapters/dynamo-upload-sessions';
import { MalformedItemError } from '../../../../functions/imaging/adapters/malformed-item';
import { resultPageSortKey, sessionKey } from '../../../../functions/imaging/adapters/upload-session-items';
import type { UploadResult, UploadSession } from '../../../../functions/imaging/core/upload-ports';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

const sessions = new DynamoUploadSessions(documents, 'uploads');
const session: UploadSession = {
  orgId: 'org-a',
  sessionId: 's-1',
  status: 'ingesting',
  createdAt: '2026-11-24T12:00:00.000Z',
  expiresAt: '2026-11-25T12:00:00.000Z',
  createdBy: { userId: 'u1', role: null },
  totalBytes: 10_485_760,
  contentType: 'application/dicom',
  studyInstanceUid: null,
  partSizeBytes: 5_242_880,
  partCount: 2,
  objectKey: 'uploads/random-1',
  uploadId: 'upload-9',
  counts: { stored: 1, failed: 1 },
  progress: { nextOffset: 0, partsRead: 2, resultPages: 2 },
  error: null,
  finishedAt: null,
};
/** 2026-11-25T12:00:00Z in epoch seconds: the table's TTL. */
const EXPIRES_AT_EPOCH = 1_795_608_000;
const stored = { ...sessionKey('org-a', 's-1'), ...session, expiresAtEpoch: EXPIRES_AT_EPOCH };
const results: UploadResult[] = [
  { sopClassUid: '1.2.3', sopInstanceUid: '9.1', studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1' },
  { sopClassUid: null, sopInstanceUid: null, failureReason: 0xc000, message: 'not a DICOM file' },
];

describe('upload session keys', () => {
  it('keeps the stored key layout', () => {
    expect(sessionKey('org-a', 's-1')).toEqual({ pk: 'ORG#org-a#UPLOAD#s-1', sk: 'SESSION' });
    expect(resultPageSortKey(42)).toBe('RESULTS#000042');
  });
});

describe('DynamoUploadSessions', () => {
  it('creates a session once, with its TTL in epoch seconds', async () => {
    dynamo.on(PutCommand).resolves({});

    await sessions.create(session);

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'uploads',
      Item: stored,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('reads a session with strong consistency and returns it without its keys', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });

    await expect(sessions.get('org-a', 's-1')).resolves.toEqual(session);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'uploads',
      Key: { pk: 'ORG#org-a#UPLOAD#s-1', sk: 'SESSION' },
      ConsistentRead: true,
    });
  });

  it('answers null for a session that does not exist', async () => {
    dynamo.on(GetCommand).resolves({});

    await expect(sessions.get('org-a', 's-2')).resolves.toBeNull();
  });

  it('refuses a session item with an unknown status rather than casting it', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...stored, status: 'paused' } });

    await expect(sessions.get('org-a', 's-1')).rejects.toBeInstanceOf(MalformedItemError);
    await expect(sessions.get('org-a', 's-1')).rejects.toThrow(
      /upload session item is malformed[\s\S]*status/,
    );
  });

  it('refuses a session item without its checkpoint', async () => {
    const { progress: _progress, ...withoutProgress } = stored;
    dynamo.on(GetCommand).resolves({ Item: withoutProgress });

    await expect(sessions.get('org-a', 's-1')).rejects.toThrow(/progress/);
  });

  it('moves a session only from the given statuses, extending its TTL with its expiry', async () => {
    const finished = {
      ...stored,
      status: 'completed',
      finishedAt: '2026-11-24T13:00:00.000Z',
      expiresAt: '2026-11-25T12:00:00.000Z',
    };
    dynamo.on(UpdateCommand).resolves({ Attributes: finished });

    await expect(
      sessions.transition('org-a', 's-1', ['ingesting', 'awaiting-upload'], 'completed', {
        finishedAt: '2026-11-24T13:00:00.000Z',
        expiresAt: '2026-11-25T12:00:00.000Z',
      }),
    ).resolves.toEqual({ ...session, status: 'completed', finishedAt: '2026-11-24T13:00:00.000Z' });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'uploads',
      Key: { pk: 'ORG#org-a#UPLOAD#s-1', sk: 'SESSION' },
      UpdateExpression: 'SET #status = :to, #f0 = :f0, #f1 = :f1, #f2 = :f2',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0, :from1)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#f0': 'finishedAt',
        '#f1': 'expiresAt',
        '#f2': 'expiresAtEpoch',
      },
      ExpressionAttributeValues: {
        ':to': 'completed',
        ':f0': '2026-11-24T13:00:00.000Z',
        ':f1': '2026-11-25T12:00:00.000Z',
        ':f2': EXPIRES_AT_EPOCH,
        ':from0': 'ingesting',
        ':from1': 'awaiting-upload',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('answers null when someone else moved the session first', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'moved', $metadata: {} }));

    await expect(sessions.transition('org-a', 's-1', ['ingesting'], 'failed')).resolves.toBeNull();
  });

  it('commits a result page and the checkpoint together, only while ingesting', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const progress = { nextOffset: 4096, partsRead: 3, resultPages: 4 };

    await sessions.commitProgress(session, { index: 3, results }, progress, { stored: 2, failed: 1 });

    const [page, checkpoint] =
      dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(page?.Put).toEqual({
      TableName: 'uploads',
      Item: {
        pk: 'ORG#org-a#UPLOAD#s-1',
        sk: 'RESULTS#000003',
        results: JSON.stringify(results),
        expiresAtEpoch: EXPIRES_AT_EPOCH,
      },
    });
    expect(checkpoint?.Update).toMatchObject({
      Key: { pk: 'ORG#org-a#UPLOAD#s-1', sk: 'SESSION' },
      ConditionExpression: '#status = :ingesting',
      ExpressionAttributeValues: {
        ':progress': progress,
        ':counts': { stored: 2, failed: 1 },
        ':ingesting': 'ingesting',
      },
    });
  });

  it('commits a checkpoint alone when there is no page', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await sessions.commitProgress(session, null, session.progress, session.counts);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]?.Update?.ConditionExpression).toBe('#status = :ingesting');
  });

  it('lists the results of the committed pages only', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'ORG#org-a#UPLOAD#s-1', sk: 'RESULTS#000000', results: JSON.stringify(results.slice(0, 1)) },
        { pk: 'ORG#org-a#UPLOAD#s-1', sk: 'RESULTS#000001', results: JSON.stringify(results.slice(1)) },
      ],
    });

    await expect(sessions.listResults(session)).resolves.toEqual(results);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': 'ORG#org-a#UPLOAD#s-1',
        ':first': 'RESULTS#000000',
        ':last': 'RESULTS#000001',
      },
      ConsistentRead: true,
    });
  });

  it('reads nothing before the first page is committed', async () => {
    await expect(
      sessions.listResults({ ...session, progress: { ...session.progress, resultPages: 0 } }),
    ).resolves.toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('refuses a result page that is not a list of results', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [{ sk: 'RESULTS#000000', results: JSON.stringify([{ sopInstanceUid: '9.1' }]) }],
    });

    await expect(sessions.listResults(session)).rejects.toThrow(/upload result page item is malformed/);
  });

  it('refuses a result page that is not JSON', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'RESULTS#000000', results: '[{' }] });

    await expect(sessions.listResults(session)).rejects.toThrow(/not JSON/);
  });
});
