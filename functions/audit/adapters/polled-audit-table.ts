import { type DynamoDBDocumentClient, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ChainedAuditRecord } from '../core/archive';
import type { ChainId } from '../core/hash-chain';
import { fromItem } from './dynamo-audit-log';

const CHAIN_PARTITION = /^ORG#(.+)#CHAIN#(\d{2})$/;
const chainKey = ({ orgId, chain }: ChainId) => `${orgId}#${chain}`;

/**
 * The local stack's stand-in for the audit table's stream (DynamoDB Local has one, but nothing consumes
 * it): each call returns the records inserted since the previous call, found by a keys-only scan of chain
 * heads and a query per chain that grew. Only inserts are seen; a record rewritten after it was read is
 * not read again, which is what audit:verify then catches against the archive and the checkpoints.
 */
export class PolledAuditTable {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Skips what an earlier run already witnessed (its checkpoints), e.g. after a restart. */
  resumeAfter(head: ChainId & { seq: number }): void {
    const key = chainKey(head);
    this.seen.set(key, Math.max(this.seen.get(key) ?? 0, head.seq));
  }

  async newRecords(): Promise<ChainedAuditRecord[]> {
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
        for (const item of page.Items ?? []) {
          const record = fromItem(item);
          records.push(record);
          this.seen.set(key, Math.max(this.seen.get(key) ?? 0, record.seq));
        }
      }
    }
    return records;
  }
}
