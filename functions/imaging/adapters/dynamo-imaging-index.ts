import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type InstanceLayout, packFrameTable, unpackFrameTable } from '../core/instance-layout';
import type { ParsedInstance } from '../core/part10';
import type { ImagingIndex, SeriesRecord, StoredInstance, StudyRecord, StudySearch } from '../core/ports';

const studyKey = (orgId: string, study: string) => `ORG#${orgId}#STUDY#${study}`;
const studiesIndexKey = (orgId: string) => `ORG#${orgId}#STUDIES`;
const patientIndexKey = (orgId: string, patientId: string) => `ORG#${orgId}#PATIENT#${patientId}`;
const NO_DATE = '00000000';
/** DynamoDB takes at most 25 writes per batch; unprocessed ones are retried with backoff. */
const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_ATTEMPTS = 8;

function toStudy(item: Record<string, unknown>): StudyRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  const modalities = item.modalities instanceof Set ? [...(item.modalities as Set<string>)] : [];
  return {
    studyInstanceUid: String(item.studyInstanceUid),
    patientId: text('patientId'),
    patientName: text('patientName'),
    studyDate: text('studyDate'),
    studyTime: text('studyTime'),
    accessionNumber: text('accessionNumber'),
    referringPhysicianName: text('referringPhysicianName'),
    studyDescription: text('studyDescription'),
    studyId: text('studyId'),
    modalities,
    seriesCount: Number(item.seriesCount ?? 0),
    instanceCount: Number(item.instanceCount ?? 0),
  };
}

function toSeries(item: Record<string, unknown>): SeriesRecord {
  return {
    studyInstanceUid: String(item.studyInstanceUid),
    seriesInstanceUid: String(item.seriesInstanceUid),
    modality: typeof item.modality === 'string' ? item.modality : null,
    seriesNumber: typeof item.seriesNumber === 'number' ? item.seriesNumber : null,
    instanceCount: Number(item.instanceCount ?? 0),
  };
}

/** The attributes of a StoredInstance, as listings read them. */
const INSTANCE_FIELDS = [
  'orgId',
  'studyInstanceUid',
  'seriesInstanceUid',
  'sopInstanceUid',
  'sopClassUid',
  'transferSyntaxUid',
  'objectKey',
  'sha256',
  'sizeBytes',
  'instanceNumber',
  'rows',
  'columns',
  'frames',
  'storedAt',
  'patientId',
] as const satisfies readonly (keyof StoredInstance)[];

/** The layout as stored on the instance's SOP# item: frame tables packed, digests as binary. */
function layoutItem(layout: InstanceLayout): Record<string, unknown> {
  const pixelData = layout.pixelData;
  return {
    pixelData: pixelData && {
      vr: pixelData.vr,
      encapsulated: pixelData.encapsulated,
      value: pixelData.value && { ...pixelData.value, digest: Buffer.from(pixelData.value.digest, 'hex') },
      frameTable: pixelData.frames ? packFrameTable(pixelData.frames) : undefined,
    },
    bulkData: layout.bulkData.map((value) => ({ ...value, digest: Buffer.from(value.digest, 'hex') })),
  };
}

type StoredRangeItem = { offset: number; length: number; digest: Uint8Array };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function toLayout(item: unknown): InstanceLayout | null {
  if (!item || typeof item !== 'object') return null;
  const { pixelData, bulkData } = item as {
    pixelData?: { vr: string; encapsulated: boolean; value?: StoredRangeItem; frameTable?: Uint8Array };
    bulkData?: (StoredRangeItem & { path: string })[];
  };
  return {
    pixelData: pixelData
      ? {
          vr: pixelData.vr,
          encapsulated: pixelData.encapsulated,
          value: pixelData.value ? { ...pixelData.value, digest: hex(pixelData.value.digest) } : null,
          frames: pixelData.frameTable ? unpackFrameTable(pixelData.frameTable) : null,
        }
      : null,
    bulkData: (bulkData ?? []).map((value) => ({ ...value, digest: hex(value.digest) })),
  };
}

function toInstance(item: Record<string, unknown>): StoredInstance {
  const { pk: _pk, sk: _sk, type: _type, metadata: _metadata, layout, ...instance } = item;
  return { ...(instance as unknown as StoredInstance), layout: toLayout(layout) };
}

/** The QIDO-shaped index in DynamoDB; key layout in infra/data/table-definitions.ts. */
export class DynamoImagingIndex implements ImagingIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async addInstance(
    instance: StoredInstance,
    parsed: ParsedInstance,
    metadata: string,
  ): Promise<'added' | 'exists'> {
    const pk = studyKey(instance.orgId, instance.studyInstanceUid);
    const { layout: _layout, ...fields } = instance;
    // The patient goes on the instance items so retrievals can audit it without reading the study.
    const record = { ...fields, patientId: parsed.attributes.patientId };
    const seriesExists = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk, sk: `SERIES#${instance.seriesInstanceUid}` },
        ConsistentRead: true,
      }),
    );
    const a = parsed.attributes;
    const studyDate = a.studyDate && /^\d{8}$/.test(a.studyDate) ? a.studyDate : NO_DATE;
    // Study attributes come from the first instance stored; later instances only add counts and modalities.
    const studyAttributes: Record<string, unknown> = {
      studyInstanceUid: instance.studyInstanceUid,
      patientId: a.patientId,
      patientName: a.patientName,
      studyDate: a.studyDate,
      studyTime: a.studyTime,
      accessionNumber: a.accessionNumber,
      referringPhysicianName: a.referringPhysicianName,
      studyDescription: a.studyDescription,
      studyId: a.studyId,
      gsi1pk: studiesIndexKey(instance.orgId),
      gsi1sk: `${studyDate}#${instance.studyInstanceUid}`,
      ...(a.patientId
        ? {
            gsi2pk: patientIndexKey(instance.orgId, a.patientId),
            gsi2sk: `${studyDate}#${instance.studyInstanceUid}`,
          }
        : {}),
    };
    const present = Object.entries(studyAttributes).filter(
      ([, value]) => value !== null && value !== undefined,
    );
    const names = Object.fromEntries(present.map(([name], index) => [`#a${index}`, name]));
    const values = Object.fromEntries(present.map(([, value], index) => [`:a${index}`, value]));
    const setFirst = present.map((_entry, index) => `#a${index} = if_not_exists(#a${index}, :a${index})`);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                // Only here, not on the INSTANCE# item: that one already carries up to 300 KB of metadata.
                Item: {
                  pk,
                  sk: `SOP#${instance.sopInstanceUid}`,
                  type: 'instance',
                  ...record,
                  layout: layoutItem(parsed.layout),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: `INSTANCE#${instance.seriesInstanceUid}#${instance.sopInstanceUid}`,
                  type: 'instance',
                  ...record,
                  metadata,
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: `SERIES#${instance.seriesInstanceUid}` },
                UpdateExpression:
                  'SET studyInstanceUid = :study, seriesInstanceUid = :series, modality = if_not_exists(modality, :modality), seriesNumber = if_not_exists(seriesNumber, :seriesNumber) ADD instanceCount :one',
                ExpressionAttributeValues: {
                  ':study': instance.studyInstanceUid,
                  ':series': instance.seriesInstanceUid,
                  ':modality': a.modality ?? 'OT',
                  ':seriesNumber': a.seriesNumber ?? 0,
                  ':one': 1,
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: 'STUDY' },
                UpdateExpression: `SET ${setFirst.join(', ')} ADD instanceCount :one, seriesCount :newSeries${a.modality ? ', modalities :modality' : ''}`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: {
                  ...values,
                  ':one': 1,
                  ':newSeries': seriesExists.Item ? 0 : 1,
                  ...(a.modality ? { ':modality': new Set([a.modality]) } : {}),
                },
              },
            },
          ],
        }),
      );
      return 'added';
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return 'exists';
      }
      throw error;
    }
  }

  async findInstance(orgId: string, study: string, sop: string): Promise<StoredInstance | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: studyKey(orgId, study), sk: `SOP#${sop}` },
        ConsistentRead: true,
      }),
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
      new GetCommand({ TableName: this.tableName, Key: { pk: studyKey(orgId, study), sk: 'STUDY' } }),
    );
    return Item ? toStudy(Item) : null;
  }

  async searchStudies(orgId: string, search: StudySearch, maxResults: number): Promise<StudyRecord[]> {
    if (search.studyInstanceUids) {
      const { Responses } = await this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: search.studyInstanceUids.map((uid) => ({ pk: studyKey(orgId, uid), sk: 'STUDY' })),
            },
          },
        }),
      );
      return (Responses?.[this.tableName] ?? [])
        .map(toStudy)
        .filter((study) => !search.patientId || study.patientId === search.patientId)
        .filter((study) => !search.dateRange || this.inRange(study.studyDate, search.dateRange));
    }
    const range = search.dateRange;
    const query: QueryCommandInput = search.patientId
      ? {
          TableName: this.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: range ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to' : 'gsi2pk = :pk',
          ExpressionAttributeValues: {
            ':pk': patientIndexKey(orgId, search.patientId),
            ...(range ? { ':from': range.from, ':to': `${range.to}#~` } : {}),
          },
        }
      : {
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: range ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': studiesIndexKey(orgId),
            ...(range ? { ':from': range.from, ':to': `${range.to}#~` } : {}),
          },
        };
    const studies: StudyRecord[] = [];
    for await (const page of paginateQuery(
      { client: this.client, pageSize: 500 },
      { ...query, ScanIndexForward: false },
    )) {
      for (const item of page.Items ?? []) {
        studies.push(toStudy(item));
        if (studies.length >= maxResults) return studies;
      }
    }
    return studies;
  }

  private inRange(date: string | null, range: { from: string; to: string }) {
    const value = date ?? NO_DATE;
    return value >= range.from && value <= range.to;
  }

  async listMetadata(orgId: string, study: string, series: string | null): Promise<string[]> {
    const items = await this.queryPrefix(
      studyKey(orgId, study),
      series ? `INSTANCE#${series}#` : 'INSTANCE#',
    );
    return items.flatMap((item) => (typeof item.metadata === 'string' ? [item.metadata] : []));
  }

  async getMetadata(orgId: string, study: string, series: string, sop: string): Promise<string | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: studyKey(orgId, study), sk: `INSTANCE#${series}#${sop}` },
        ProjectionExpression: '#metadata',
        ExpressionAttributeNames: { '#metadata': 'metadata' },
      }),
    );
    return typeof Item?.metadata === 'string' ? Item.metadata : null;
  }

  async listSeries(orgId: string, study: string): Promise<SeriesRecord[]> {
    return (await this.queryPrefix(studyKey(orgId, study), 'SERIES#')).map(toSeries);
  }

  async listInstances(orgId: string, study: string, series: string | null): Promise<StoredInstance[]> {
    const prefix = series ? `INSTANCE#${series}#` : 'INSTANCE#';
    // Without the metadata each item carries (up to 300 KB): a listing of thousands stays small.
    return (await this.queryPrefix(studyKey(orgId, study), prefix, INSTANCE_FIELDS)).map(toInstance);
  }

  async deleteStudy(orgId: string, study: string): Promise<void> {
    const pk = studyKey(orgId, study);
    const keys: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) keys.push(...(page.Items ?? []));
    // The study item goes last, so a delete cut short still finds the study and can be repeated.
    keys.sort((a, b) => Number(a.sk === 'STUDY') - Number(b.sk === 'STUDY'));
    for (let start = 0; start < keys.length; start += BATCH_WRITE_LIMIT) {
      let requests = keys.slice(start, start + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt === MAX_BATCH_ATTEMPTS) throw new Error('the index kept deletes unprocessed');
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  private async queryPrefix(pk: string, prefix: string, fields?: readonly string[]) {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ...(fields
          ? {
              ProjectionExpression: fields.map((_field, index) => `#f${index}`).join(', '),
              ExpressionAttributeNames: Object.fromEntries(
                fields.map((field, index) => [`#f${index}`, field]),
              ),
            }
          : {}),
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
