import { type AttributeValue, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChainedAuditRecord } from '../core/archive';
import type { ChainId } from '../core/hash-chain';
import { fromItem } from './dynamo-audit-log';

const CHAIN_PARTITION = /^ORG#(.+)#CHAIN#(\d{2})$/;
const chainKey = ({ orgId, chain }: ChainId) => `${orgId}#${chain}`;

interface ShardCursor {
  iterator: string | undefined;
  /** The last record read, to start again after it if the iterator expires. */
  lastSequenceNumber: string | undefined;
  closed: boolean;
}

/**
 * The local stack's consumer of the audit table's stream (in AWS, Lambda's event source mapping feeds the
 * archiver): each call returns the records inserted since the previous call, read from DynamoDB Local's
 * stream, so its cost follows what was inserted, never the table's size. The first call also catches up
 * once with a keys-only scan, because records written while the stack was stopped may not be in the
 * stream; `resumeAfter` (from the archived checkpoints) and the per-chain positions drop what was already
 * witnessed. Only inserts are returned; a record rewritten after it was read is not read again, which
 * is what audit:verify then catches against the archive and the checkpoints.
 */
export class AuditTableStream {
  private readonly seen = new Map<string, number>();
  private readonly shards = new Map<string, ShardCursor>();
  private streamArn: string | undefined;
  private caughtUp = false;

  private readonly client: DynamoDBDocumentClient;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly tableName: string,
  ) {
    this.client = DynamoDBDocumentClient.from(dynamo);
  }

  /** Skips what an earlier run already witnessed (its checkpoints), e.g. after a restart. */
  resumeAfter(head: ChainId & { seq: number }): void {
    const key = chainKey(head);
    this.seen.set(key, Math.max(this.seen.get(key) ?? 0, head.seq));
  }

  async newRecords(): Promise<ChainedAuditRecord[]> {
    if (!this.caughtUp) {
      // Shards are opened before the scan, so nothing inserted in between is missed; duplicates are dropped.
      await this.openShards();
      const records = await this.catchUp();
      this.caughtUp = true;
      return [...records, ...(await this.fromStream())];
    }
    await this.openShards();
    return this.fromStream();
  }

  /** Keeps only the records past each chain's witnessed position, moving that position on. */
  private unseen(records: ChainedAuditRecord[]): ChainedAuditRecord[] {
    return records.filter((record) => {
      const key = chainKey(record);
      if (record.seq <= (this.seen.get(key) ?? 0)) return false;
      this.seen.set(key, record.seq);
      return true;
    });
  }

  private async openShards(): Promise<void> {
    if (!this.streamArn) {
      const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
      this.streamArn = Table?.LatestStreamArn;
      if (!this.streamArn) throw new Error(`${this.tableName} has no stream`);
    }
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of shards) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.shards.set(shard.ShardId, {
        iterator: ShardIterator,
        lastSequenceNumber: undefined,
        closed: false,
      });
    }
  }

  private async fromStream(): Promise<ChainedAuditRecord[]> {
    const records: ChainedAuditRecord[] = [];
    for (const [shardId, cursor] of this.shards) {
      while (cursor.iterator && !cursor.closed) {
        let page: Awaited<ReturnType<typeof this.getRecords>>;
        try {
          page = await this.getRecords(cursor.iterator);
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw error;
          cursor.iterator = await this.reopen(shardId, cursor);
          continue;
        }
        for (const record of page.Records ?? []) {
          cursor.lastSequenceNumber = record.dynamodb?.SequenceNumber ?? cursor.lastSequenceNumber;
          const image = record.dynamodb?.NewImage;
          if (record.eventName !== 'INSERT' || !image) continue;
          const item = unmarshall(image as Record<string, AttributeValue>);
          if (CHAIN_PARTITION.test(String(item.pk))) records.push(fromItem(item));
        }
        cursor.iterator = page.NextShardIterator;
        if (!cursor.iterator) cursor.closed = true;
        // An empty page means the shard has nothing more for now; the next call goes on from here.
        if (!page.Records?.length) break;
      }
    }
    records.sort((a, b) => a.seq - b.seq);
    return this.unseen(records);
  }

  private getRecords(iterator: string) {
    return this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
  }

  private async reopen(shardId: string, cursor: ShardCursor): Promise<string | undefined> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(cursor.lastSequenceNumber
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: cursor.lastSequenceNumber }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /** Once, at start: every chain's records past its witnessed position (keys-only scan, then queries). */
  private async catchUp(): Promise<ChainedAuditRecord[]> {
    const heads = new Map<string, { orgId: string; chain: number; pk: string; seq: number }>();
    const pages = paginateScan(
      { client: this.client },
      { TableName: this.tableName, ProjectionExpression: 'pk, seq' },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const match = CHAIN_PARTITION.exec(String(item.pk));
        if (!match) continue;
        const id = { orgId: match[1] ?? '', chain: Number(match[2]) };
        const seq = Number(item.seq);
        if ((heads.get(chainKey(id))?.seq ?? 0) < seq) heads.set(chainKey(id), { ...id, pk: item.pk, seq });
      }
    }
    const records: ChainedAuditRecord[] = [];
    for (const [key, head] of heads) {
      const after = this.seen.get(key) ?? 0;
      if (head.seq <= after) continue;
      const chainPages = paginateQuery(
        { client: this.client, pageSize: 500 },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: { ':pk': head.pk, ':after': `SEQ#${String(after).padStart(12, '0')}` },
          ConsistentRead: true,
        },
      );
      for await (const page of chainPages) {
        for (const item of page.Items ?? []) records.push(fromItem(item));
      }
    }
    return this.unseen(records);
  }
}
