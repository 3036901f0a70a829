import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { DeletionRecord, DeletionScope, RecycleBin } from '../core/recoverable-deletes';
import { nameIndexAttributes } from './imaging-index-items';
import {
  deletedItemsPartition,
  deletionSortKey,
  deletionsPartition,
  instanceSortKey,
  PURGE_INDEX_PARTITION,
  SERIES_PREFIX,
  STUDIES_INDEX,
  STUDY_SORT_KEY,
  seriesSortKey,
  sopKey,
  sopSortKey,
  studyKey,
  studyPartition,
} from './imaging-index-keys';
import { parseItem } from './malformed-item';

const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_ATTEMPTS = 8;
const PARALLEL_PUTS = 8;

type Item = Record<string, unknown> & { pk: string; sk: string };

const DeletionItemSchema = z.object({
  orgId: z.string(),
  study: z.string(),
  deletionId: z.string(),
  scope: z.enum(['study', 'series', 'instance']),
  series: z.string().nullable(),
  instance: z.string().nullable(),
  instances: z.number().int().nonnegative(),
  wholeStudy: z.boolean(),
  deletedAt: z.string(),
  deletedBy: z.string(),
  purgeAfter: z.string(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
}) satisfies z.ZodType<DeletionRecord>;

const DeletedItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  item: z.record(z.string(), z.unknown()).and(z.object({ pk: z.string(), sk: z.string() })),
});
const StudyFieldsSchema = z.object({
  patientId: z.string().nullish(),
  patientName: z.string().nullish(),
});
const SopItemSchema = z.object({ objectKey: z.string(), seriesInstanceUid: z.string() });

const withNameIndex = (orgId: string, study: string, item: Item): Item =>
  'gsi3pk' in item ? item : { ...item, ...nameIndexAttributes(orgId, study, item.patientName) };
const isInstanceItem = (sk: string) => sk.startsWith('INSTANCE#');
const isSopItem = (sk: string) => sk.startsWith('SOP#');

/**
 * The recycle bin in the imaging index (keys: imaging-index-keys.ts). A deletion writes its record first
 * (so a deletion cut short is still listed, restorable and purged), then copies the items it takes, then
 * removes them from the study's partition: nothing is ever only in flight. The purge never removes an
 * object a live instance still points at, so a repeated or interrupted deletion cannot cost live data.
 */
export class DynamoRecycleBin implements RecycleBin {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async remove(
    orgId: string,
    study: string,
    scope: DeletionScope,
    facts: Pick<DeletionRecord, 'deletionId' | 'deletedAt' | 'deletedBy' | 'purgeAfter'>,
  ): Promise<DeletionRecord | null> {
    const items = (await this.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': studyPartition(orgId, study) },
      ConsistentRead: true,
    })) as Item[];
    const studyItem = items.find((item) => item.sk === STUDY_SORT_KEY);
    if (!studyItem) return null;
    const taken = this.itemsInScope(items, scope);
    const instances = taken.filter((item) => isInstanceItem(item.sk)).length;
    if (instances === 0) return null;
    const wholeStudy = instances === items.filter((item) => isInstanceItem(item.sk)).length;
    const moving = wholeStudy ? items : taken;
    const fields = parseItem(StudyFieldsSchema, 'study', studyItem);
    const record: DeletionRecord = {
      orgId,
      study,
      ...facts,
      scope: scope.scope,
      series: scope.scope === 'study' ? null : scope.series,
      instance: scope.scope === 'instance' ? scope.instance : null,
      instances,
      wholeStudy,
      patientId: fields.patientId ?? null,
      patientName: fields.patientName ?? null,
    };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: deletionsPartition(orgId),
          sk: deletionSortKey(study, facts.deletionId),
          type: 'deletion',
          ...record,
          gsi1pk: PURGE_INDEX_PARTITION,
          gsi1sk: `${facts.purgeAfter}#${orgId}#${study}#${facts.deletionId}`,
        },
      }),
    );
    await this.batchWrite(
      moving.map((item) => ({
        PutRequest: {
          Item: {
            pk: deletedItemsPartition(orgId, study),
            sk: `${facts.deletionId}#${item.sk}`,
            type: 'deleted-item',
            item,
          },
        },
      })),
    );
    // The study item goes last, so search stops finding the study only once nothing of it is left.
    const order = [...moving].sort(
      (a, b) => Number(a.sk === STUDY_SORT_KEY) - Number(b.sk === STUDY_SORT_KEY),
    );
    await this.batchWrite(order.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
    if (!wholeStudy) await this.recount(orgId, study);
    return record;
  }

  /** A series: its SERIES# item and its instances' items; an instance: its two items. */
  private itemsInScope(items: readonly Item[], scope: DeletionScope): Item[] {
    if (scope.scope === 'study') return [...items];
    const series = scope.series;
    const sops = new Set(
      items
        .filter((item) => isInstanceItem(item.sk) && item.seriesInstanceUid === series)
        .map((item) => String(item.sopInstanceUid))
        .filter((sop) => scope.scope === 'series' || sop === scope.instance),
    );
    const keys = new Set<string>([
      ...[...sops].flatMap((sop) => [sopSortKey(sop), instanceSortKey(series, sop)]),
      ...(scope.scope === 'series' ? [seriesSortKey(series)] : []),
    ]);
    return items.filter((item) => keys.has(item.sk));
  }

  /**
   * Sets the study's and its series' counts (and modalities) from what is left in the partition: after a
   * partial deletion, and after a restore that may have met instances stored since.
   */
  private async recount(orgId: string, study: string): Promise<void> {
    const items = await this.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': studyPartition(orgId, study) },
      ProjectionExpression: 'sk, seriesInstanceUid, modality',
      ConsistentRead: true,
    });
    const perSeries = new Map<string, number>();
    const modalities = new Set<string>();
    const seriesItems = items.filter((item) => String(item.sk).startsWith(SERIES_PREFIX));
    for (const item of items) {
      if (isInstanceItem(String(item.sk))) {
        const series = String(item.seriesInstanceUid);
        perSeries.set(series, (perSeries.get(series) ?? 0) + 1);
      }
    }
    for (const item of seriesItems) {
      const series = String(item.sk).slice(SERIES_PREFIX.length);
      if (typeof item.modality === 'string') modalities.add(item.modality);
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: studyPartition(orgId, study), sk: String(item.sk) },
          UpdateExpression: 'SET instanceCount = :count',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':count': perSeries.get(series) ?? 0 },
        }),
      );
    }
    const instanceCount = [...perSeries.values()].reduce((total, count) => total + count, 0);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: studyKey(orgId, study),
          UpdateExpression: `SET instanceCount = :instances, seriesCount = :series${modalities.size ? ', modalities = :modalities' : ' REMOVE modalities'}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':instances': instanceCount,
            ':series': seriesItems.length,
            ...(modalities.size ? { ':modalities': modalities } : {}),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listDeletions(orgId: string): Promise<DeletionRecord[]> {
    return (
      await this.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': deletionsPartition(orgId) },
        ConsistentRead: true,
      })
    ).map((item) => parseItem(DeletionItemSchema, 'deletion', item));
  }

  private async deletedItems(record: Pick<DeletionRecord, 'orgId' | 'study' | 'deletionId'>) {
    return (
      await this.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': deletedItemsPartition(record.orgId, record.study),
          ':prefix': `${record.deletionId}#`,
        },
        ConsistentRead: true,
      })
    ).map((item) => parseItem(DeletedItemSchema, 'deleted item', item));
  }

  async restore(orgId: string, study: string): Promise<{ deletions: number; restoredInstances: number }> {
    const records = (await this.listDeletions(orgId)).filter((record) => record.study === study);
    let restoredInstances = 0;
    for (const record of records) {
      const deleted = await this.deletedItems(record);
      // Instances before their series, series before the study: a restore cut short shows nothing half.
      const rank = (sk: string) => (sk === STUDY_SORT_KEY ? 2 : sk.startsWith(SERIES_PREFIX) ? 1 : 0);
      const ordered = deleted
        .map((entry) => entry.item as Item)
        // A study deleted before the name index existed comes back into it.
        .map((item) => (item.sk === STUDY_SORT_KEY ? withNameIndex(orgId, study, item) : item))
        .sort((a, b) => rank(a.sk) - rank(b.sk));
      for (let start = 0; start < ordered.length; start += PARALLEL_PUTS) {
        const results = await Promise.all(
          ordered.slice(start, start + PARALLEL_PUTS).map((item) => this.putBack(item)),
        );
        restoredInstances += results.filter(
          (result, index) => result && isInstanceItem((ordered[start + index] as Item).sk),
        ).length;
      }
      await this.forget(record);
    }
    if (records.length > 0) await this.recount(orgId, study);
    return { deletions: records.length, restoredInstances };
  }

  /** Never over a live item: an instance stored again since the deletion keeps its newer entry. */
  private async putBack(item: Item): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async dueForPurge(now: Date, limit: number): Promise<DeletionRecord[]> {
    const items = await this.query(
      {
        TableName: this.tableName,
        IndexName: STUDIES_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':pk': PURGE_INDEX_PARTITION, ':now': `${now.toISOString()}#~` },
      },
      limit,
    );
    return items.map((item) => parseItem(DeletionItemSchema, 'deletion', item));
  }

  async deletedObjects(record: DeletionRecord): Promise<{ objectKey: string; live: boolean }[]> {
    const sops = (await this.deletedItems(record))
      .map((entry) => entry.item)
      .filter((item) => isSopItem(item.sk));
    const objects: { objectKey: string; live: boolean }[] = [];
    for (const item of sops) {
      const { objectKey } = parseItem(SopItemSchema, 'deleted instance', item);
      const sop = item.sk.slice('SOP#'.length);
      const { Item: live } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: sopKey(record.orgId, record.study, sop),
          ConsistentRead: true,
          ProjectionExpression: 'objectKey',
        }),
      );
      objects.push({ objectKey, live: live?.objectKey === objectKey });
    }
    return objects;
  }

  async forget(record: DeletionRecord): Promise<void> {
    const deleted = await this.deletedItems(record);
    await this.batchWrite(deleted.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
    await this.batchWrite([
      {
        DeleteRequest: {
          Key: { pk: deletionsPartition(record.orgId), sk: deletionSortKey(record.study, record.deletionId) },
        },
      },
    ]);
  }

  private async query(input: QueryCommandInput, limit = Number.POSITIVE_INFINITY) {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: this.client, pageSize: 200 }, input)) {
      for (const item of page.Items ?? []) {
        items.push(item);
        if (items.length >= limit) return items;
      }
    }
    return items;
  }

  private async batchWrite(
    requests: (
      | { PutRequest: { Item: Record<string, unknown> } }
      | { DeleteRequest: { Key: Record<string, unknown> } }
    )[],
  ): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let batch = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; batch.length > 0; attempt += 1) {
        if (attempt === MAX_BATCH_ATTEMPTS) throw new Error('the index kept writes unprocessed');
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: batch } }),
        );
        batch = (UnprocessedItems?.[this.tableName] ?? []) as typeof batch;
        if (batch.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }
}
