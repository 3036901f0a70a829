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
