import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditChainStore } from '../../../functions/audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../../../functions/audit/core/audit-trail';
import { ChainedPurgeAudit } from '../../../functions/imaging/adapters/chained-purge-audit';
import { DynamoRecycleBin } from '../../../functions/imaging/adapters/dynamo-recycle-bin';
import { S3ObjectPurger } from '../../../functions/imaging/adapters/s3-object-purger';
import { purgeDueDeletions, type RecycleBin } from '../../../functions/imaging/core/recoverable-deletes';
import { systemClock, uuidIds } from '../../../functions/shared/ports';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi, localConfig } from '../../support/local-client';
import { localImagingStorage } from '../../support/local-imaging';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

let org: TestOrganization;
let other: TestOrganization;
const storage = localImagingStorage();
const study = testUid();
const [seriesA, seriesB] = [testUid(), testUid()];
const files = [
  ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesA, patientId: 'PID-DEL-1' }),
  ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesA, patientId: 'PID-DEL-1' }),
  ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesB, patientId: 'PID-DEL-1' }),
];
const [first, second, third] = files.map(sopOf) as [string, string, string];

const admin = () => org.users.administrator.accessToken;
const call = (method: string, path: string, token = admin()) => callApi(method, path, { token });
const studyCounts = async () => {
  const found = (await call('GET', `/dicomweb/studies?StudyInstanceUID=${study}`)).json();
  return found.map((dataset: Record<string, { Value?: number[] }>) => [
    dataset['00201206']?.Value?.[0],
    dataset['00201208']?.Value?.[0],
  ]);
};
const instancesFound = async () =>
  (
    (await call('GET', `/dicomweb/studies/${study}/instances`)).json() as Record<
      string,
      { Value: string[] }
    >[]
  )
    .map((dataset) => dataset['00080018']?.Value[0])
    .sort();

/** The purge as the schedule runs it, with a clock past the retention, limited to this test's organization. */
function purgeAfterRetention(days: number) {
  const config = localConfig();
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: config.endpoints.dynamodb, region: config.region, credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    credentials,
    forcePathStyle: true,
  });
  const bin = new DynamoRecycleBin(documents, config.tables.imaging);
  const ours: RecycleBin = Object.assign(Object.create(bin), {
    dueForPurge: async (now: Date, limit: number) =>
      (await bin.dueForPurge(now, 10_000)).filter((record) => record.orgId === org.orgId).slice(0, limit),
  });
  const clock = { now: () => new Date(Date.now() + days * 24 * 60 * 60 * 1000) };
  return purgeDueDeletions({
    bin: ours,
    primary: new S3ObjectPurger(s3, config.imagingBucket),
    replica: new S3ObjectPurger(s3, 'pacscribe-local-imaging-replica'),
    audit: new ChainedPurgeAudit(
      new ChainedAuditLog(new DynamoAuditChainStore(documents, config.tables.audit)),
      // The record carries the real time of the purge; only the retention check looks ahead.
      systemClock,
      uuidIds,
    ),
    clock,
  });
}

beforeAll(async () => {
  org = await freshOrganization('recoverable-deletes');
  other = await freshOrganization('recoverable-deletes-other');
  expect((await stow(org.users.technologist.accessToken, files)).status).toBe(200);
});

afterAll(() => storage.close());

describe('recoverable deletes over HTTPS', () => {
  it('[PP-06] refuses roles without the delete permission, and answers another organization as missing', async () => {
    for (const role of ['clinician', 'technologist', 'radiologist'] as const) {
      const token = org.users[role].accessToken;
      expect((await call('DELETE', `/dicomweb/studies/${study}/series/${seriesA}`, token)).status).toBe(403);
      expect((await call('GET', '/v1/deleted-studies', token)).status).toBe(403);
      expect((await call('POST', `/v1/deleted-studies/${study}/restore`, token)).status).toBe(403);
    }
    const foreign = other.users.administrator.accessToken;
    expect((await call('DELETE', `/dicomweb/studies/${study}`, foreign)).status).toBe(404);
    expect(
      (await call('DELETE', `/dicomweb/studies/${study}/series/${seriesA}/instances/${first}`, foreign))
        .status,
    ).toBe(404);
    expect((await call('POST', `/v1/deleted-studies/${study}/restore`, foreign)).status).toBe(404);
    expect(await instancesFound()).toEqual([first, second, third].sort());
  });

  it('removes an instance, then a series, from search and retrieval at once, and restores both', async () => {
    const instancePath = `/dicomweb/studies/${study}/series/${seriesA}/instances/${first}`;
    expect((await call('DELETE', instancePath)).status).toBe(204);
    expect(await instancesFound()).toEqual([second, third].sort());
    expect((await call('GET', instancePath)).status).toBe(404);
    expect((await call('GET', `${instancePath}/metadata`)).status).toBe(404);
    expect(await studyCounts()).toEqual([[2, 2]]);
    expect((await call('DELETE', instancePath)).status).toBe(404);

    expect((await call('DELETE', `/dicomweb/studies/${study}/series/${seriesA}`)).status).toBe(204);
    expect(await instancesFound()).toEqual([third]);
    expect(await studyCounts()).toEqual([[1, 1]]);
    expect((await call('GET', `/dicomweb/studies/${study}/series/${seriesA}/metadata`)).status).toBe(404);

    const listed = (await call('GET', '/v1/deleted-studies')).json();
    expect(listed.retentionDays).toBe(30);
    expect(listed.studies).toEqual([
      expect.objectContaining({
        study,
        patientId: 'PID-DEL-1',
        wholeStudy: false,
        deletions: [
          expect.objectContaining({ scope: 'series', series: seriesA, instances: 1 }),
          expect.objectContaining({ scope: 'instance', instance: first, instances: 1 }),
        ],
      }),
    ]);
    const { deletedAt, purgeAfter } = listed.studies[0].deletions[0];
    expect(Date.parse(purgeAfter) - Date.parse(deletedAt)).toBe(30 * 24 * 60 * 60 * 1000);

    const restored = await call('POST', `/v1/deleted-studies/${study}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json()).toEqual({ study, restoredInstances: 2 });
    expect(await instancesFound()).toEqual([first, second, third].sort());
    expect(await studyCounts()).toEqual([[2, 3]]);
    expect((await call('GET', instancePath)).status).toBe(200);
    expect((await call('GET', '/v1/deleted-studies')).json().studies).toEqual([]);
    expect((await call('POST', `/v1/deleted-studies/${study}/restore`)).status).toBe(404);
  });

  it('[PP-18] deletes a whole study recoverably and audits each step', async () => {
    const keys = await Promise.all(files.map((file) => storage.objectKeyOf(org.orgId, study, sopOf(file))));
    expect((await call('DELETE', `/dicomweb/studies/${study}`)).status).toBe(204);
    expect((await call('GET', `/dicomweb/studies?StudyInstanceUID=${study}`)).json()).toEqual([]);
    expect((await call('GET', `/dicomweb/studies/${study}/metadata`)).status).toBe(404);
    expect((await call('DELETE', `/dicomweb/studies/${study}`)).status).toBe(404);
    // Kept until the purge: that is what makes the delete recoverable.
    expect(await Promise.all(keys.map((key) => storage.objectExists(key)))).toEqual([true, true, true]);
    expect((await call('GET', '/v1/deleted-studies')).json().studies[0]).toMatchObject({
      study,
      wholeStudy: true,
    });

    expect((await call('POST', `/v1/deleted-studies/${study}/restore`)).json()).toEqual({
      study,
      restoredInstances: 3,
    });
    expect(await studyCounts()).toEqual([[2, 3]]);
    expect((await call('GET', `/dicomweb/studies/${study}/metadata`)).json()).toHaveLength(3);

    const audit = await callApi('GET', `/v1/audit-events?studyUid=${study}&limit=1000`, { token: admin() });
    const events = (audit.json().events as { event: string; httpStatus: number }[])
      .filter((event) => event.httpStatus < 300)
      .map((event) => event.event);
    for (const event of ['instances-deleted', 'study-deleted', 'study-restored'])
      expect(events).toContain(event);
  });

  it('purges a deletion whose retention ended: objects (every version, both regions), index, record; audited', async () => {
    const keys = await Promise.all(files.map((file) => storage.objectKeyOf(org.orgId, study, sopOf(file))));
    expect((await call('DELETE', `/dicomweb/studies/${study}/series/${seriesB}`)).status).toBe(204);

    // Within the retention period nothing is purged.
    expect(await purgeAfterRetention(29)).toEqual({ purged: 0, objects: 0 });
    expect(await storage.objectExists(keys[2] as string)).toBe(true);

    expect(await purgeAfterRetention(31)).toEqual({ purged: 1, objects: 1 });
    expect(await Promise.all(keys.map((key) => storage.objectExists(key)))).toEqual([true, true, false]);
    expect((await call('GET', '/v1/deleted-studies')).json().studies).toEqual([]);
    expect((await call('POST', `/v1/deleted-studies/${study}/restore`)).status).toBe(404);
    expect(await instancesFound()).toEqual([first, second].sort());

    const audit = await callApi('GET', `/v1/audit-events?studyUid=${study}&action=D&limit=1000`, {
      token: admin(),
    });
    expect(audit.json().events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'study-purged',
          actor: { kind: 'system', userId: null, role: 'retention-purge' },
          objects: expect.arrayContaining([{ type: 'series', id: seriesB }]),
        }),
      ]),
    );
  });
});
