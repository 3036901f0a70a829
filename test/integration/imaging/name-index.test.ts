import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { backfillNameIndex } from '../../../functions/imaging/adapters/name-index-backfill';
import { imagingTable } from '../../../infra/data/table-definitions';
import { createTableAs, rebuildWithIndexes } from '../../../scripts/local/bootstrap';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi, localConfig } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

type DicomJson = Record<string, { Value?: unknown[] }>;

const config = localConfig();
const raw = new DynamoDBClient({
  endpoint: config.endpoints.dynamodb,
  region: config.region,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
const documents = DynamoDBDocumentClient.from(raw);
afterAll(() => raw.destroy());

let org: TestOrganization;
let other: TestOrganization;

const studyOf = async (token: string, patientName: string) => {
  const study = testUid();
  const stored = await stow(token, [
    ctInstance({ studyInstanceUid: study, patientId: `PID-${study}`, patientName }),
  ]);
  expect(stored.status).toBe(200);
  return study;
};
const studiesNamed = async (pattern: string, token = org.users.radiologist.accessToken) =>
  (
    (
      await callApi('GET', `/dicomweb/studies?PatientName=${encodeURIComponent(pattern)}`, {
        token,
        headers: { accept: 'application/dicom+json' },
      })
    ).json() as DicomJson[]
  ).map((dataset) => dataset['0020000D']?.Value?.[0]);
/** The study item as an index written before the name index left it: no name key. */
const withoutNameKey = (orgId: string, study: string) =>
  documents.send(
    new UpdateCommand({
      TableName: config.tables.imaging,
      Key: { pk: `ORG#${orgId}#STUDY#${study}`, sk: 'STUDY' },
      UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
    }),
  );

beforeAll(async () => {
  org = await freshOrganization('name-index');
  other = await freshOrganization('name-index-other');
});

describe('PatientName searches on the name index', () => {
  it('finds the names a pattern’s text begins, in name order, ignoring case', async () => {
    const token = org.users.technologist.accessToken;
    const beta = await studyOf(token, 'Nameindex^Beta');
    const alpha = await studyOf(token, 'NAMEINDEX^Alpha');
    await studyOf(token, 'Othername^Gamma');

    expect(await studiesNamed('nameindex*')).toEqual([alpha, beta]);
    expect(await studiesNamed('Name?ndex^B*')).toEqual([beta]);
    expect(await studiesNamed('nameindex^alpha')).toEqual([alpha]);
    // No text before the first wildcard: the organization's listing is read instead.
    expect(await studiesNamed('*index^alpha')).toEqual([alpha]);
  });

  it('[PP-07] keeps each organization’s names apart: the same name elsewhere is neither read nor returned', async () => {
    const mine = await studyOf(org.users.technologist.accessToken, 'Sharedname^Patient');
    const foreign = await studyOf(other.users.technologist.accessToken, 'Sharedname^Patient');

    expect(await studiesNamed('Sharedname*')).toEqual([mine]);
    expect(await studiesNamed('SHAREDNAME^PATIENT', other.users.radiologist.accessToken)).toEqual([foreign]);
  });

  it('follows a corrected name: found by the new one, no longer by the old', async () => {
    const study = await studyOf(org.users.technologist.accessToken, 'Misnamed^Patient');
    const edited = await callApi('PATCH', `/v1/studies/${study}`, {
      token: org.users.technologist.accessToken,
      body: JSON.stringify({
        changes: { PatientName: 'Renamed^Patient' },
        reason: 'Wrong patient name at the modality',
      }),
    });
    expect(edited.status).toBe(200);

    expect(await studiesNamed('Renamed*')).toEqual([study]);
    expect(await studiesNamed('Misnamed*')).toEqual([]);
  });

  it('puts studies stored before the index into it, and a study deleted before it back on restore', async () => {
    const token = org.users.technologist.accessToken;
    const older = await studyOf(token, 'Backfilled^Older');
    const deleted = await studyOf(token, 'Restored^Older');
    await withoutNameKey(org.orgId, older);
    await withoutNameKey(org.orgId, deleted);
    expect(await studiesNamed('Backfilled*')).toEqual([]);

    const admin = org.users.administrator.accessToken;
    expect((await callApi('DELETE', `/dicomweb/studies/${deleted}`, { token: admin })).status).toBe(204);
    const { indexed } = await backfillNameIndex(documents, config.tables.imaging);
    expect(indexed).toBeGreaterThanOrEqual(1);
    expect(await studiesNamed('Backfilled*')).toEqual([older]);
    expect(await backfillNameIndex(documents, config.tables.imaging)).toMatchObject({ indexed: 0 });

    expect(await studiesNamed('Restored*')).toEqual([]);
    const restored = await callApi('POST', `/v1/deleted-studies/${deleted}/restore`, { token: admin });
    expect(restored.status).toBe(200);
    expect(await studiesNamed('Restored*')).toEqual([deleted]);
  });
});

describe('a local imaging index made before the name index', () => {
  const table = `pacscribe-test-name-index-${Date.now()}`;
  const before = {
    ...imagingTable,
    globalIndexes: imagingTable.globalIndexes.filter((index) => index.indexName !== 'gsi3'),
  };
  const study = (uid: string, patientName: string) => ({
    pk: `ORG#org-x#STUDY#${uid}`,
    sk: 'STUDY',
    studyInstanceUid: uid,
    patientName,
    gsi1pk: 'ORG#org-x#STUDIES',
    gsi1sk: `20260101#${uid}`,
  });
  const byName = async (start: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :start)',
          ExpressionAttributeValues: { ':pk': 'ORG#org-x#NAMES', ':start': start },
        }),
      )
    ).Items?.map((item) => item.gsi3sk);
  const count = async (name: string) =>
    (await documents.send(new ScanCommand({ TableName: name, Select: 'COUNT' }))).Count;
  afterAll(async () => {
    for (const name of [table, `${table}-rebuild`])
      await raw.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
  });

  it('is rebuilt with the index on start, its items kept and its studies put into the name index', async () => {
    await createTableAs(raw, before, table);
    const items = Array.from({ length: 60 }, (_, n) => study(`1.2.${n}`, `Early^Study${n}`));
    for (const item of items) await documents.send(new PutCommand({ TableName: table, Item: item }));

    expect(await rebuildWithIndexes(raw, imagingTable, table)).toEqual(['gsi3']);
    expect(await count(table)).toBe(60);
    expect(await backfillNameIndex(documents, table)).toEqual({ scanned: 60, indexed: 60 });
    expect(await byName('EARLY^STUDY5')).toEqual([
      'EARLY^STUDY5#1.2.5',
      'EARLY^STUDY50#1.2.50',
      ...Array.from({ length: 9 }, (_, n) => `EARLY^STUDY5${n + 1}#1.2.5${n + 1}`),
    ]);
    expect(await rebuildWithIndexes(raw, imagingTable, table)).toEqual([]);
  });

  it('finishes a rebuild cut short after the old table was replaced, and redoes one cut short before', async () => {
    // Cut short after the old table went: only the copy holds the items.
    await raw.send(new DeleteTableCommand({ TableName: table }));
    await createTableAs(raw, imagingTable, `${table}-rebuild`);
    await documents.send(new PutCommand({ TableName: `${table}-rebuild`, Item: study('1.3.1', 'Kept^One') }));
    // Which indexes were new is not known then: all are reported, so every fill runs again.
    expect(await rebuildWithIndexes(raw, imagingTable, table)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    expect(await count(table)).toBe(1);
    expect(await indexNames(table)).toContain('gsi3');

    // Cut short during the first copy: the old table is whole, the copy partial.
    await raw.send(new DeleteTableCommand({ TableName: table }));
    await createTableAs(raw, before, table);
    await documents.send(new PutCommand({ TableName: table, Item: study('1.3.2', 'Kept^Two') }));
    await documents.send(new PutCommand({ TableName: table, Item: study('1.3.3', 'Kept^Three') }));
    await createTableAs(raw, imagingTable, `${table}-rebuild`);
    await documents.send(new PutCommand({ TableName: `${table}-rebuild`, Item: study('1.3.2', 'Kept^Two') }));
    expect(await rebuildWithIndexes(raw, imagingTable, table)).toEqual(['gsi3']);
    expect(await count(table)).toBe(2);
    expect((await raw.send(new ListTablesCommand({}))).TableNames).not.toContain(`${table}-rebuild`);
  });
});

const indexNames = async (name: string) =>
  ((await raw.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes ?? []).map(
    (index) => index.IndexName,
  );
