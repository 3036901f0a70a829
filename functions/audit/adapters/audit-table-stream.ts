import { type AttributeValue, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, paginateScan, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChainedAuditRecord } from '../core/archive';
import type { ChainId } from '../core/hash-chain';
import { fromItem } from './dynamo-audit-log';

/** The partitions chains live in; the witness reads nothing else of the table. */
export const CHAIN_PARTITION = /^ORG#(.+)#CHAIN#(\d{2})$/;
const chainKey = ({ orgId, chain }: ChainId) => `${orgId}#${chain}`;

interface ShardCursor {
  iterator: string | undefined;
  /** The last record read, to start again after it if the iterator expires. */
  lastSequenceNumber: string | undefined;
  /** A child shard is read only once its parent is read to its end (AWS's order for a split shard). */
  parentShardId: string | undefined;
  closed: boolean;
}

/** A chain the first call found records of past its witnessed position, up to the head it saw then. */
interface ChainToCatchUp {
  key: string;
  pk: string;
  head: number;
}

/** Records one call returns at most by default: a long backlog is read in bounded steps, as the stream feeds. */
export const STREAM_READ_LIMIT = 1000;
/** The most GetRecords may return in one page (DynamoDB Streams' limit). */
const GET_RECORDS_PAGE = 1000;
const CATCH_UP_PAGE = 500;

/**
 * The local stack's consumer of the audit table's stream (in AWS, Lambda's event source mapping feeds the
 * archiver): each call returns at most `limit` records inserted since the previous call, read from DynamoDB
 * Local's stream, so its cost and memory follow what was inserted and the limit, never the table's size.
 * The first calls also catch up once with a keys-only scan, because records written while the stack was
 * stopped may not be in the stream; `resumeAfter` (from the archived checkpoints) and the per-chain positions
 * drop what was already witnessed. Only inserts are returned; a record rewritten after it was read is not
 * read again, which is what audit:verify then catches against the archive and the checkpoints.
 *
 * A chain's records share one partition key, so the stream puts them in one shard (or a parent and, after a
 * split, its child, read in that order), in the order they were written: reading any prefix of the shards
 * keeps each chain in order, and a call can stop at its limit without skipping past an unread record.
 */
export class AuditTableStream {
  private readonly seen = new Map<string, number>();
  private readonly shards = new Map<string, ShardCursor>();
  private streamArn: string | undefined;
  /** Undefined until the first call's scan; then the chains still to be read from the table. */
  private catchingUp: ChainToCatchUp[] | undefined;

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

  /** The next records not yet returned, in each chain's order; fewer than `limit` only once all are read. */
  async newRecords(limit = STREAM_READ_LIMIT): Promise<ChainedAuditRecord[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer: ${limit}`);
    // Shards are opened before the scan, so nothing inserted in between is missed; duplicates are dropped.
    await this.openShards();
    if (!this.catchingUp) this.catchingUp = await this.chainsBehind();
    const records = await this.catchUp(limit);
    return records.length < limit
      ? [...records, ...(await this.fromStream(limit - records.length))]
      : records;
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
        parentShardId: shard.ParentShardId,
        closed: false,
      });
    }
  }

  private parentStillOpen(cursor: ShardCursor): boolean {
    const parent = cursor.parentShardId ? this.shards.get(cursor.parentShardId) : undefined;
    return parent !== undefined && !parent.closed;
  }

  private async fromStream(limit: number): Promise<ChainedAuditRecord[]> {
    const records: ChainedAuditRecord[] = [];
    for (const [shardId, cursor] of this.shards) {
      if (this.parentStillOpen(cursor)) continue;
      while (records.length < limit && cursor.iterator && !cursor.closed) {
        let page: Awaited<ReturnType<typeof this.getRecords>>;
        try {
          page = await this.getRecords(cursor.iterator, Math.min(GET_RECORDS_PAGE, limit - records.length));
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw error;
          cursor.iterator = await this.reopen(shardId, cursor);
          continue;
        }
        const inserted: ChainedAuditRecord[] = [];
        for (const record of page.Records ?? []) {
          cursor.lastSequenceNumber = record.dynamodb?.SequenceNumber ?? cursor.lastSequenceNumber;
          const image = record.dynamodb?.NewImage;
          if (record.eventName !== 'INSERT' || !image) continue;
          const item = unmarshall(image as Record<string, AttributeValue>);
          if (CHAIN_PARTITION.test(String(item.pk))) inserted.push(fromItem(item));
        }
        // Page by page, in the shard's order, which is each chain's: what is already witnessed (caught up
        // from the table) is dropped at once, so only new records count towards the limit.
        records.push(...this.unseen(inserted));
        cursor.iterator = page.NextShardIterator;
        if (!cursor.iterator) cursor.closed = true;
        // An empty page means the shard has nothing more for now; the next call goes on from here.
        if (!page.Records?.length) break;
      }
      if (records.length >= limit) break;
    }
    return records;
  }

  private getRecords(iterator: string, limit: number) {
    return this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
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

  /** Once, at the first call: each chain with records past its witnessed position (a keys-only scan). */
  private async chainsBehind(): Promise<ChainToCatchUp[]> {
    const heads = new Map<string, ChainToCatchUp>();
    const pages = paginateScan(
      { client: this.client },
      { TableName: this.tableName, ProjectionExpression: 'pk, seq' },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const match = CHAIN_PARTITION.exec(String(item.pk));
        if (!match) continue;
        const key = chainKey({ orgId: match[1] ?? '', chain: Number(match[2]) });
        const seq = Number(item.seq);
        if ((heads.get(key)?.head ?? 0) < seq) heads.set(key, { key, pk: String(item.pk), head: seq });
      }
    }
    return [...heads.values()].filter((chain) => chain.head > (this.seen.get(chain.key) ?? 0));
  }

  /** Reads the chains found behind, up to `limit` records, each from its witnessed position on. */
  private async catchUp(limit: number): Promise<ChainedAuditRecord[]> {
    const records: ChainedAuditRecord[] = [];
    const chains = this.catchingUp ?? [];
    while (chains.length && records.length < limit) {
      const chain = chains[0] as ChainToCatchUp;
      const after = this.seen.get(chain.key) ?? 0;
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: { ':pk': chain.pk, ':after': `SEQ#${String(after).padStart(12, '0')}` },
          ConsistentRead: true,
          Limit: Math.min(CATCH_UP_PAGE, limit - records.length),
        }),
      );
      // In sk order, which is seq order: each page moves the chain's position on.
      records.push(...this.unseen(Items.map((item) => fromItem(item))));
      if (!Items.length || (this.seen.get(chain.key) ?? 0) >= chain.head) chains.shift();
    }
    return records;
  }
}
