import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AuditTableStream } from '../../../../functions/audit/adapters/audit-table-stream';
import { toItem } from '../../../../functions/audit/adapters/dynamo-audit-log';
import { chainRecord } from '../../../../functions/audit/core/hash-chain';
import { auditRecordFixture } from '../../../support/audit-records';

const dynamoClient = new DynamoDBClient({ region: 'us-east-1' });
const streamsClient = new DynamoDBStreamsClient({ region: 'us-east-1' });
const dynamo = mockClient(dynamoClient);
// The stream reader wraps the client in a document client of its own.
const documents = mockClient(DynamoDBDocumentClient);
const streams = mockClient(streamsClient);
afterEach(() => {
  dynamo.reset();
  documents.reset();
  streams.reset();
});

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/audit/stream/1';
const recordAt = (seq: number) =>
  chainRecord(auditRecordFixture(), 3, { seq: seq - 1, hash: String(seq - 1).padStart(64, '0') });
const insert = (seq: number) => ({
  eventName: 'INSERT' as const,
  dynamodb: {
    SequenceNumber: String(seq * 100),
    NewImage: marshall(toItem(recordAt(seq)), { removeUndefinedValues: true }),
  },
});

function table(storedSeqs: number[]) {
  dynamo.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: ARN } });
  documents
    .on(ScanCommand)
    .resolves({ Items: storedSeqs.map((seq) => ({ pk: toItem(recordAt(seq)).pk, seq })) });
  documents.on(QueryCommand).resolves({ Items: storedSeqs.map((seq) => toItem(recordAt(seq))) });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-0' });
}

describe('the local audit witness reads the table stream', () => {
  it('catches up once with a scan, then reads only the stream: no record twice, none the checkpoints cover', async () => {
    table([1, 2, 3]);
    streams
      .on(GetRecordsCommand, { ShardIterator: 'it-0' })
      .resolves({ Records: [insert(1), insert(2), insert(3), insert(4)], NextShardIterator: 'it-1' })
      .on(GetRecordsCommand, { ShardIterator: 'it-1' })
      .resolves({ Records: [], NextShardIterator: 'it-2' })
      .on(GetRecordsCommand, { ShardIterator: 'it-2' })
      .resolves({
        Records: [insert(5), { eventName: 'MODIFY', dynamodb: { SequenceNumber: '600' } }],
        NextShardIterator: 'it-3',
      })
      .on(GetRecordsCommand, { ShardIterator: 'it-3' })
      .resolves({ Records: [], NextShardIterator: 'it-4' })
      .on(GetRecordsCommand, { ShardIterator: 'it-4' })
      .resolves({ Records: [], NextShardIterator: 'it-4' });
    const source = new AuditTableStream(dynamoClient, streamsClient, 'audit');
    source.resumeAfter({ orgId: 'org-a', chain: 3, seq: 1 });

    const first = await source.newRecords();
    expect(first.map((record) => record.seq)).toEqual([2, 3, 4]);
    const second = await source.newRecords();
    expect(second.map((record) => record.seq)).toEqual([5]);
    expect(documents).toHaveReceivedCommandTimes(ScanCommand, 1);
    expect(await source.newRecords()).toEqual([]);
    expect(documents).toHaveReceivedCommandTimes(ScanCommand, 1);
  });

  it('starts again after the last record read when its iterator has expired', async () => {
    table([]);
    streams
      .on(GetRecordsCommand, { ShardIterator: 'it-0' })
      .resolves({ Records: [insert(1)], NextShardIterator: 'it-1' })
      .on(GetRecordsCommand, { ShardIterator: 'it-1' })
      .rejectsOnce(new ExpiredIteratorException({ message: 'expired', $metadata: {} }))
      .on(GetRecordsCommand, { ShardIterator: 'it-again' })
      .resolves({ Records: [insert(2)], NextShardIterator: 'it-3' })
      .on(GetRecordsCommand, { ShardIterator: 'it-3' })
      .resolves({ Records: [], NextShardIterator: 'it-4' });
    streams
      .on(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' })
      .resolves({ ShardIterator: 'it-again' });
    const source = new AuditTableStream(dynamoClient, streamsClient, 'audit');

    const records = await source.newRecords();

    expect(records.map((record) => record.seq)).toEqual([1, 2]);
    expect(streams).toHaveReceivedCommandWith(GetShardIteratorCommand, {
      ShardId: 'shard-1',
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      SequenceNumber: '100',
    });
  });
});

/** A shard whose GetRecords honours Limit: iterator `<shard>@<n>` reads on from its n-th record. */
function shardOf(shardId: string, seqs: number[]) {
  streams
    .on(GetRecordsCommand)
    .callsFake(({ ShardIterator, Limit }: { ShardIterator: string; Limit: number }) => {
      const [shard, at] = ShardIterator.split('@');
      const all = shard === shardId ? seqs : [];
      const from = Number(at);
      const page = all.slice(from, from + Limit);
      return { Records: page.map(insert), NextShardIterator: `${shard}@${from + page.length}` };
    });
}

describe('the local audit witness reads a long backlog a bounded step at a time', () => {
  it('returns at most the limit per call, in order, until the stream is read, and loses nothing', async () => {
    table([]);
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'shard-1@0' });
    shardOf('shard-1', [1, 2, 3, 4, 5, 6, 7]);
    const source = new AuditTableStream(dynamoClient, streamsClient, 'audit');

    const calls: number[][] = [];
    for (let call = 0; call < 5; call += 1) {
      calls.push((await source.newRecords(3)).map((record) => record.seq));
    }

    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7], [], []]);
    expect(streams).toHaveReceivedCommandWith(GetRecordsCommand, { Limit: 3 });
  });

  it('catches up from the table a step at a time too, from the checkpoint on, before the stream', async () => {
    table([1, 2, 3, 4, 5, 6]);
    documents.on(QueryCommand).callsFake(({ ExpressionAttributeValues, Limit }) => {
      const after = Number(String(ExpressionAttributeValues[':after']).slice('SEQ#'.length));
      return {
        Items: [1, 2, 3, 4, 5, 6]
          .filter((seq) => seq > after)
          .slice(0, Limit)
          .map((seq) => toItem(recordAt(seq))),
      };
    });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'shard-1@0' });
    // The stream holds what the table does, and one record written since.
    shardOf('shard-1', [1, 2, 3, 4, 5, 6, 7]);
    const source = new AuditTableStream(dynamoClient, streamsClient, 'audit');
    source.resumeAfter({ orgId: 'org-a', chain: 3, seq: 1 });

    const calls: number[][] = [];
    for (let call = 0; call < 4; call += 1) {
      calls.push((await source.newRecords(2)).map((record) => record.seq));
    }

    // 2–5 from the table; 6 from the table, then the stream's first unseen (7) in the same call; then nothing.
    expect(calls).toEqual([[2, 3], [4, 5], [6, 7], []]);
    expect(documents).toHaveReceivedCommandTimes(ScanCommand, 1);
  });

  it('reads a child shard only once its parent is read to its end, as a split shard must be', async () => {
    table([]);
    streams.on(DescribeStreamCommand).resolves({
      StreamDescription: { Shards: [{ ShardId: 'child', ParentShardId: 'parent' }, { ShardId: 'parent' }] },
    });
    streams
      .on(GetShardIteratorCommand, { ShardId: 'parent' })
      .resolves({ ShardIterator: 'parent-0' })
      .on(GetShardIteratorCommand, { ShardId: 'child' })
      .resolves({ ShardIterator: 'child-0' });
    streams
      .on(GetRecordsCommand, { ShardIterator: 'child-0' })
      .resolves({ Records: [insert(3)], NextShardIterator: 'child-1' })
      .on(GetRecordsCommand, { ShardIterator: 'child-1' })
      .resolves({ Records: [], NextShardIterator: 'child-1' })
      .on(GetRecordsCommand, { ShardIterator: 'parent-0' })
      .resolves({ Records: [insert(1)], NextShardIterator: 'parent-1' })
      .on(GetRecordsCommand, { ShardIterator: 'parent-1' })
      .resolves({ Records: [insert(2)] });
    const source = new AuditTableStream(dynamoClient, streamsClient, 'audit');

    // One record per call: the child (listed first) waits until its parent has closed.
    const calls: number[][] = [];
    for (let call = 0; call < 4; call += 1) {
      calls.push((await source.newRecords(1)).map((record) => record.seq));
    }

    expect(calls).toEqual([[1], [2], [3], []]);
  });
});
