import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ChainedAuditRecordSchema } from '#schemas/audit/audit-event';
import { InvalidInputError } from '../../shared/errors';
import type { ChainedAuditRecord } from '../core/archive';
import type { AuditFilters, AuditQueryStore } from '../core/audit-query';
import type { AuditChainStore } from '../core/audit-trail';
import type { ChainHead, ChainId } from '../core/hash-chain';

/** One partition per chain; the time index (gsi1) holds all of an organization's chains together. */
const chainPartition = ({ orgId, chain }: ChainId) => `ORG#${orgId}#CHAIN#${String(chain).padStart(2, '0')}`;
const organizationPartition = (orgId: string) => `ORG#${orgId}`;
const isChainPartitionOf = (orgId: string, pk: string) => {
  const prefix = `${organizationPartition(orgId)}#CHAIN#`;
  return pk.startsWith(prefix) && /^\d{2}$/.test(pk.slice(prefix.length));
};
const seqKey = (seq: number) => `SEQ#${String(seq).padStart(12, '0')}`;

/** Storage attributes next to the record: keys, and flattened ids that reviewers filter on. */
export function toItem(record: ChainedAuditRecord) {
  const idsOf = (type: string) =>
    record.objects.filter((object) => object.type === type).map((object) => object.id);
  return {
    pk: chainPartition(record),
    sk: seqKey(record.seq),
    gsi1pk: organizationPartition(record.orgId),
    gsi1sk: `${record.eventTime}#${String(record.chain).padStart(2, '0')}#${String(record.seq).padStart(12, '0')}`,
    actorUserId: record.actor.userId ?? '-',
    patientIds: idsOf('patient'),
    studyUids: idsOf('study'),
    ...record,
  };
}

/** Parses back exactly the hashed fields, whatever storage attributes sit beside them. */
export const fromItem = (item: Record<string, unknown>): ChainedAuditRecord =>
  ChainedAuditRecordSchema.parse(item);

/** Opaque to clients; decoded only here, and only accepted for the organization it was issued for. */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, orgId: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor' }]);
  }
  const fields = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).sort().join() === [...fields].sort().join() &&
    fields.every((field) => typeof (key as Record<string, unknown>)[field] === 'string') &&
    (key as Record<string, string>).gsi1pk === organizationPartition(orgId) &&
    isChainPartitionOf(orgId, String((key as Record<string, unknown>).pk));
  if (!valid)
    throw new InvalidInputError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor' }]);
  return key as Record<string, string>;
}

/** At most this many items are read to fill one page, so a sparse filter cannot make a request run long. */
const MAX_ITEMS_EVALUATED = 20_000;

/** The audit table as hash chains: one partition per chain, one item per sequence number. */
export class DynamoAuditChainStore implements AuditChainStore, AuditQueryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async head(chain: ChainId): Promise<ChainHead | null> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
        ExpressionAttributeValues: { ':pk': chainPartition(chain), ':seq': 'SEQ#' },
        ProjectionExpression: 'seq, #hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const top = Items?.[0];
    return top ? { seq: Number(top.seq), hash: String(top.hash) } : null;
  }

  async insert(record: ChainedAuditRecord): Promise<'inserted' | 'conflict'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'inserted';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /** One whole chain in sequence order (for verification and the archive check). */
  async *chain(chain: ChainId): AsyncGenerator<ChainedAuditRecord> {
    const pages = paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
        ExpressionAttributeValues: { ':pk': chainPartition(chain), ':seq': 'SEQ#' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) yield fromItem(item);
  }

  async query(
    orgId: string,
    range: { from: string; to: string },
    filters: AuditFilters,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ records: ChainedAuditRecord[]; nextCursor: string | null }> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = {
      ':pk': organizationPartition(orgId),
      ':from': range.from,
      // Every key of an instant sorts below this suffix, so `to` is inclusive.
      ':to': `${range.to}#~`,
    };
    const names: Record<string, string> = {};
    if (filters.actor) {
      conditions.push('actorUserId = :actor');
      values[':actor'] = filters.actor;
    }
    if (filters.action) {
      conditions.push('#action = :action');
      names['#action'] = 'action';
      values[':action'] = filters.action;
    }
    if (filters.outcome !== undefined) {
      conditions.push('outcome = :outcome');
      values[':outcome'] = filters.outcome;
    }
    if (filters.patientId) {
      conditions.push('contains(patientIds, :patientId)');
      values[':patientId'] = filters.patientId;
    }
    if (filters.studyUid) {
      conditions.push('contains(studyUids, :studyUid)');
      values[':studyUid'] = filters.studyUid;
    }
    const records: ChainedAuditRecord[] = [];
    let startKey: Record<string, unknown> | undefined = cursor ? decodeCursor(cursor, orgId) : undefined;
    let evaluated = 0;
    let lastReturnedKey: Record<string, unknown> | null = null;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
          Limit: Math.min(1000, MAX_ITEMS_EVALUATED - evaluated),
        }),
      );
      evaluated += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        records.push(fromItem(item));
        lastReturnedKey = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
        if (records.length === limit) {
          return { records, nextCursor: encodeCursor(lastReturnedKey) };
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && evaluated < MAX_ITEMS_EVALUATED);
    // Stopped by the read budget: resume after the last item read, even if it did not match.
    return { records, nextCursor: startKey ? encodeCursor(startKey) : null };
  }
}
