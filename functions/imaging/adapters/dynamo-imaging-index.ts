import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ParsedInstance } from '../core/part10';
import type {
  ImagingIndex,
  SeriesRecord,
  StoreContext,
  StoredInstance,
  StudyRecord,
  StudySearch,
} from '../core/ports';
import {
  INSTANCE_FIELDS,
  InstanceItemSchema,
  instanceItem,
  MetadataItemSchema,
  SeriesItemSchema,
  STUDY_FIELDS,
  StudyItemSchema,
  seriesUpdate,
  sopItem,
  studyUpdate,
} from './imaging-index-items';
import {
  instanceKey,
  instancePrefix,
  NAME_INDEX,
  NO_STUDY_DATE,
  nameIndexKey,
  namesIndexPartition,
  PATIENT_INDEX,
  patientIndexPartition,
  SERIES_PREFIX,
  STUDIES_INDEX,
  seriesKey,
  sopKey,
  studiesIndexPartition,
  studyDateRange,
  studyKey,
  studyPartition,
} from './imaging-index-keys';
import { parseItem } from './malformed-item';

/** Attempts at a batch read whose keys DynamoDB left unprocessed (throttling), with backoff between them. */
const MAX_BATCH_READ_ATTEMPTS = 5;
/**
 * Attempts at indexing one instance, against concurrent writers to its series and study: a modality or
 * router sending one study over many connections makes every transaction write the same STUDY item.
 */
export const MAX_ADD_ATTEMPTS = 8;
/** Waits between attempts after a conflict: full jitter over a doubling bound, capped (about 1.8 s at most in all). */
const CONFLICT_BACKOFF_BASE_MS = 20;
const CONFLICT_BACKOFF_CAP_MS = 400;
/** Studies per page of a search after its first. */
const STUDY_PAGE = 500;
/** The items of addInstance's transaction, by position: cancellation reasons come in this order. */
const SOP_ITEM = 0;
const SERIES_ITEM = 2;
const STUDY_ITEM = 3;

const toStudy = (item: Record<string, unknown>): StudyRecord => parseItem(StudyItemSchema, 'study', item);
const toSeries = (item: Record<string, unknown>): SeriesRecord => parseItem(SeriesItemSchema, 'series', item);
const toInstance = (item: Record<string, unknown>): StoredInstance =>
  parseItem(InstanceItemSchema, 'instance', item);
const toMetadata = (item: Record<string, unknown>): string =>
  parseItem(MetadataItemSchema, 'instance metadata', item).metadata;

/** A ProjectionExpression of attribute names, through placeholders (some are reserved words). */
const projectionOf = (fields: readonly string[]) => ({
  ProjectionExpression: fields.map((_field, index) => `#f${index}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(fields.map((field, index) => [`#f${index}`, field])),
});
/** What a search reads of each study: its record's fields, not its keys, patient key or edit history. */
const STUDY_PROJECTION = projectionOf(STUDY_FIELDS);

/** The QIDO-shaped index in DynamoDB; key layout in imaging-index-keys.ts. */
export class DynamoImagingIndex implements ImagingIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One transaction writes both instance items and counts the instance in its series and study. Whether
   * the instance opens a new series is read first and then made a condition of the series write, so two
   * concurrent first instances of one series cannot both count it: the one that commits second finds its
   * condition failed, reads the series again and retries as a later instance. A transaction cancelled by
   * another in flight (TransactionConflict) is retried after a jittered wait. The study write holds only
   * if the study names this instance's patient, so nothing of an instance of another patient is written.
   */
  async addInstance(
    instance: StoredInstance,
    parsed: ParsedInstance,
    metadata: string,
    seriesIsNewHint?: boolean,
  ): Promise<'added' | 'exists' | 'patient-mismatch'> {
    let known = seriesIsNewHint;
    for (let attempt = 1; ; attempt += 1) {
      const seriesIsNew =
        known ??
        !(await this.seriesExists(instance.orgId, instance.studyInstanceUid, instance.seriesInstanceUid));
      known = seriesIsNew;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: sopItem(instance, parsed),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: this.tableName, Item: instanceItem(instance, parsed, metadata) } },
              { Update: { TableName: this.tableName, ...seriesUpdate(instance, parsed, seriesIsNew) } },
              { Update: { TableName: this.tableName, ...studyUpdate(instance, parsed, seriesIsNew) } },
            ],
          }),
        );
        return 'added';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[SOP_ITEM]?.Code === 'ConditionalCheckFailed') return 'exists';
        if (reasons[STUDY_ITEM]?.Code === 'ConditionalCheckFailed') return 'patient-mismatch';
        const seriesChanged = reasons[SERIES_ITEM]?.Code === 'ConditionalCheckFailed';
        // Every instance of a study writes its STUDY item: concurrent stores into one study collide.
        const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!(seriesChanged || conflicted) || attempt >= MAX_ADD_ATTEMPTS) throw error;
        // The series is read again only when its condition failed; a conflict alone leaves it as it was.
        if (seriesChanged) known = undefined;
        if (conflicted) {
          const bound = Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** attempt);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
        }
      }
    }
  }

  async seriesExists(orgId: string, study: string, series: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: seriesKey(orgId, study, series),
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  }

  /** The resend check, the study and the series in one BatchGetItem: one round trip, one request. */
  async storeContext(orgId: string, study: string, series: string, sop: string): Promise<StoreContext> {
    const keys = {
      sop: sopKey(orgId, study, sop),
      study: studyKey(orgId, study),
      series: seriesKey(orgId, study, series),
    };
    const items = await this.batchGet([keys.sop, keys.study, keys.series], { ConsistentRead: true });
    const found = (key: { sk: string }) => items.find((item) => item.sk === key.sk);
    const existing = found(keys.sop);
    const studyItem = found(keys.study);
    return {
      existing: existing ? toInstance(existing) : null,
      study: studyItem ? toStudy(studyItem) : null,
      seriesExists: found(keys.series) !== undefined,
    };
  }

  /**
   * Items of up to 100 keys of this table, in any order. Keys DynamoDB leaves unprocessed (when throttled)
   * are asked again after a backoff; still unprocessed after the last attempt, the read fails rather than
   * answer as if those items did not exist.
   */
  private async batchGet(
    keys: Record<string, unknown>[],
    options: {
      ConsistentRead?: boolean;
      ProjectionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
    },
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending = keys;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * Math.random()));
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ...options } } }),
      );
      items.push(...(Responses?.[this.tableName] ?? []));
      pending = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (pending.length > 0 && attempt >= MAX_BATCH_READ_ATTEMPTS) {
        throw new Error(
          `imaging index: ${pending.length} keys still unprocessed after ${attempt} batch reads`,
        );
      }
    }
    return items;
  }

  async findInstance(orgId: string, study: string, sop: string): Promise<StoredInstance | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sopKey(orgId, study, sop), ConsistentRead: true }),
    );
    return Item ? toInstance(Item) : null;
  }

  async getInstance(
    orgId: string,
    study: string,
    series: string,
    sop: string,
  ): Promise<StoredInstance | null> {
    const instance = await this.findInstance(orgId, study, sop);
    return instance && instance.seriesInstanceUid === series && instance.orgId === orgId ? instance : null;
  }

  async getStudy(orgId: string, study: string): Promise<StudyRecord | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: studyKey(orgId, study) }),
    );
    return Item ? toStudy(Item) : null;
  }

  async searchStudies(orgId: string, search: StudySearch, maxResults: number): Promise<StudyRecord[]> {
    const studies: StudyRecord[] = [];
    if (maxResults <= 0) return studies;
    for await (const study of this.findStudies(orgId, search, maxResults)) {
      studies.push(study);
      if (studies.length >= maxResults) break;
    }
    return studies;
  }

  /**
   * By the narrowest key the search has: UIDs, then PatientID, then the start of PatientName, then the
   * organization's listing. Dates bound the listing and patient reads; name reads check them item by item.
   * Newest first, except name reads, which come in name order.
   */
  async *findStudies(orgId: string, search: StudySearch, firstPage: number): AsyncIterable<StudyRecord> {
    if (search.studyInstanceUids) {
      yield* await this.studiesByUid(orgId, search);
      return;
    }
    const range = search.dateRange && studyDateRange(search.dateRange);
    const bounds = range ? { ':from': range.from, ':to': range.to } : {};
    const byName = !search.patientId && search.patientNameStart ? nameIndexKey(search.patientNameStart) : '';
    const query: QueryCommandInput = search.patientId
      ? {
          TableName: this.tableName,
          IndexName: PATIENT_INDEX,
          KeyConditionExpression: range ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to' : 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': patientIndexPartition(orgId, search.patientId), ...bounds },
          ScanIndexForward: false,
          ...STUDY_PROJECTION,
        }
      : byName
        ? {
            TableName: this.tableName,
            IndexName: NAME_INDEX,
            KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :start)',
            ExpressionAttributeValues: { ':pk': namesIndexPartition(orgId), ':start': byName },
            ...STUDY_PROJECTION,
          }
        : {
            TableName: this.tableName,
            IndexName: STUDIES_INDEX,
            KeyConditionExpression: range ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': studiesIndexPartition(orgId), ...bounds },
            ScanIndexForward: false,
            ...STUDY_PROJECTION,
          };
    const checkDates = byName && search.dateRange;
    // The first page holds what the caller expects to need: a search for 101 studies reads 101, not 500.
    let limit = Math.max(1, Math.min(STUDY_PAGE, firstPage));
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...query, Limit: limit, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        const study = toStudy(item);
        if (!checkDates || this.inRange(study.studyDate, checkDates)) yield study;
      }
      start = page.LastEvaluatedKey;
      limit = STUDY_PAGE;
    } while (start);
  }

  private async studiesByUid(orgId: string, search: StudySearch): Promise<StudyRecord[]> {
    // At most 50 UIDs (the QIDO schema's bound), within BatchGetItem's 100 keys.
    const items = await this.batchGet(
      (search.studyInstanceUids ?? []).map((uid) => studyKey(orgId, uid)),
      STUDY_PROJECTION,
    );
    return items
      .map(toStudy)
      .filter((study) => !search.patientId || study.patientId === search.patientId)
      .filter((study) => !search.dateRange || this.inRange(study.studyDate, search.dateRange));
  }

  /**
   * Every study of the organization, by StudyDate then UID, read a page at a time (the organization's
   * export; searchStudies holds its results whole). Deleted studies are not here: a deletion moves the
   * study's items out of its partition, and the listing index with them.
   */
  async *allStudies(orgId: string): AsyncIterable<StudyRecord> {
    for await (const page of paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        IndexName: STUDIES_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': studiesIndexPartition(orgId) },
      },
    )) {
      for (const item of page.Items ?? []) yield toStudy(item);
    }
  }

  private inRange(date: string | null, range: { from: string; to: string }) {
    const value = date ?? NO_STUDY_DATE;
    return value >= range.from && value <= range.to;
  }

  async listMetadata(orgId: string, study: string, series: string | null): Promise<string[]> {
    return (await this.queryPrefix(studyPartition(orgId, study), instancePrefix(series))).map(toMetadata);
  }

  async getMetadata(orgId: string, study: string, series: string, sop: string): Promise<string | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: instanceKey(orgId, study, series, sop),
        ProjectionExpression: '#metadata',
        ExpressionAttributeNames: { '#metadata': 'metadata' },
      }),
    );
    return Item ? toMetadata(Item) : null;
  }

  async listSeries(orgId: string, study: string): Promise<SeriesRecord[]> {
    return (await this.queryPrefix(studyPartition(orgId, study), SERIES_PREFIX)).map(toSeries);
  }

  async listInstances(orgId: string, study: string, series: string | null): Promise<StoredInstance[]> {
    // Without the metadata each item carries (up to 300 KB): a listing of thousands stays small.
    return (
      await this.queryPrefix(studyPartition(orgId, study), instancePrefix(series), INSTANCE_FIELDS)
    ).map(toInstance);
  }

  private async queryPrefix(pk: string, prefix: string, fields?: readonly string[]) {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ...(fields ? projectionOf(fields) : {}),
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
