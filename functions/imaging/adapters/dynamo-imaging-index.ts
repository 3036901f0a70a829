import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ParsedInstance } from '../core/part10';
import type { ImagingIndex, SeriesRecord, StoredInstance, StudyRecord, StudySearch } from '../core/ports';

const studyKey = (orgId: string, study: string) => `ORG#${orgId}#STUDY#${study}`;
const studiesIndexKey = (orgId: string) => `ORG#${orgId}#STUDIES`;
const patientIndexKey = (orgId: string, patientId: string) => `ORG#${orgId}#PATIENT#${patientId}`;
const NO_DATE = '00000000';

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

function toInstance(item: Record<string, unknown>): StoredInstance {
  const { pk: _pk, sk: _sk, type: _type, metadata: _metadata, ...instance } = item;
  return instance as unknown as StoredInstance;
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
                Item: { pk, sk: `SOP#${instance.sopInstanceUid}`, type: 'instance', ...instance },
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
                  ...instance,
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

  async listSeries(orgId: string, study: string): Promise<SeriesRecord[]> {
    return (await this.queryPrefix(studyKey(orgId, study), 'SERIES#')).map(toSeries);
  }

  async listInstances(orgId: string, study: string, series: string): Promise<StoredInstance[]> {
    return (await this.queryPrefix(studyKey(orgId, study), `INSTANCE#${series}#`)).map(toInstance);
  }

  private async queryPrefix(pk: string, prefix: string) {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
