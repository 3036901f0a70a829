import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AttributeChangeSchema, EditValueSchema } from '#schemas/imaging/study-edits';
import { type AttributeEdits, NO_EDITS } from '../core/attribute-edits';
import type { CurrentEdits } from '../core/ports';
import type { IndexedChanges, StoredStudyVersion, StudyVersionStore } from '../core/study-versions';
import { nameIndexAttributes } from './imaging-index-items';
import {
  instancePrefix,
  patientIndexPartition,
  seriesKey,
  studyDateSortKey,
  studyKey,
  studyPartition,
  VERSION_PREFIX,
  versionSortKey,
} from './imaging-index-keys';
import { parseItem } from './malformed-item';

const EditsSchema = z.object({
  study: z.record(z.string(), EditValueSchema),
  series: z.record(z.string(), z.record(z.string(), EditValueSchema)),
});
/** The STUDY item's edit attributes: absent on a study never edited. */
const EditStateItemSchema = z.object({
  editVersion: z.number().int().nonnegative().optional(),
  attributeEdits: z.string().optional(),
});
const VersionItemSchema = z.object({
  version: z.number().int().positive(),
  kind: z.enum(['edit', 'revert']),
  revertedTo: z.number().int().nonnegative().nullable(),
  at: z.string(),
  by: z.object({ userId: z.string(), role: z.string() }),
  reason: z.string(),
  changes: z.array(AttributeChangeSchema),
  edits: z.string(),
});

const editsOf = (text: string | undefined): AttributeEdits =>
  text ? EditsSchema.parse(JSON.parse(text)) : NO_EDITS;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A study's versions and current edits, in its partition of the imaging index (keys: imaging-index-keys.ts). */
export class DynamoStudyVersions implements StudyVersionStore, CurrentEdits {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async editState(orgId: string, study: string) {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: studyKey(orgId, study),
        ConsistentRead: true,
        ProjectionExpression: 'pk, editVersion, attributeEdits',
      }),
    );
    if (!Item) return null;
    const state = parseItem(EditStateItemSchema, 'study edit state', Item);
    return { version: state.editVersion ?? 0, edits: editsOf(state.attributeEdits) };
  }

  async currentEdits(orgId: string, study: string): Promise<AttributeEdits> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: studyKey(orgId, study),
        ProjectionExpression: 'attributeEdits',
      }),
    );
    return Item ? editsOf(parseItem(EditStateItemSchema, 'study edit state', Item).attributeEdits) : NO_EDITS;
  }

  async storedMetadata(orgId: string, study: string, series: string | null): Promise<string | null> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': studyPartition(orgId, study), ':prefix': instancePrefix(series) },
        ProjectionExpression: 'metadata',
        Limit: 1,
      }),
    );
    const metadata = Items?.[0]?.metadata;
    return typeof metadata === 'string' ? metadata : null;
  }

  async commit(
    orgId: string,
    study: string,
    expectedVersion: number,
    version: StoredStudyVersion,
    indexed: IndexedChanges,
  ): Promise<'committed' | 'conflict' | 'missing'> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':next': version.version,
      ':edits': JSON.stringify(version.edits),
    };
    const set = ['editVersion = :next', 'attributeEdits = :edits'];
    const remove: string[] = [];
    for (const [index, [field, value]] of Object.entries(indexed.study).entries()) {
      names[`#f${index}`] = field;
      values[`:f${index}`] = value;
      set.push(`#f${index} = :f${index}`);
    }
    if (indexed.sortKeys) {
      const sortKey = studyDateSortKey(indexed.sortKeys.studyDate, study);
      values[':gsi1sk'] = sortKey;
      set.push('gsi1sk = :gsi1sk');
      if (indexed.sortKeys.patientId) {
        values[':gsi2pk'] = patientIndexPartition(orgId, indexed.sortKeys.patientId);
        values[':gsi2sk'] = sortKey;
        set.push('gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
      } else {
        remove.push('gsi2pk', 'gsi2sk');
      }
    }
    // The name index follows an edited PatientName; a name removed leaves the index.
    if ('patientName' in indexed.study) {
      const nameKeys = nameIndexAttributes(orgId, study, indexed.study.patientName);
      if ('gsi3pk' in nameKeys) {
        Object.assign(values, { ':gsi3pk': nameKeys.gsi3pk, ':gsi3sk': nameKeys.gsi3sk });
        set.push('gsi3pk = :gsi3pk', 'gsi3sk = :gsi3sk');
      } else {
        remove.push('gsi3pk', 'gsi3sk');
      }
    }
    if (expectedVersion > 0) values[':expected'] = expectedVersion;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: studyKey(orgId, study),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression:
            expectedVersion === 0
              ? 'attribute_exists(pk) AND attribute_not_exists(editVersion)'
              : 'editVersion = :expected',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: studyPartition(orgId, study),
            sk: versionSortKey(version.version),
            type: 'study-version',
            ...version,
            edits: JSON.stringify(version.edits),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...indexed.series.map(
        (series): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: seriesKey(orgId, study, series.series),
            UpdateExpression: 'SET seriesNumber = :number',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':number': series.seriesNumber },
          },
        }),
      ),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return (await this.editState(orgId, study)) ? 'conflict' : 'missing';
    }
  }

  async listVersions(orgId: string, study: string): Promise<StoredStudyVersion[]> {
    const versions: StoredStudyVersion[] = [];
    for await (const page of paginateQuery(
      { client: this.client, pageSize: 200 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': studyPartition(orgId, study), ':prefix': VERSION_PREFIX },
        ConsistentRead: true,
      },
    )) {
      for (const item of page.Items ?? []) {
        const parsed = parseItem(VersionItemSchema, 'study version', item);
        versions.push({ ...parsed, edits: editsOf(parsed.edits) });
      }
    }
    return versions;
  }
}
