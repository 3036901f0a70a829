import type { Member } from '#schemas/accounts/entities';
import type { ChainedAuditRecord } from '#schemas/audit/audit-event';
import type { DatasetSources } from '../../../functions/exports/core/dataset-sources';
import {
  dicomDate,
  dicomTime,
  organizationDatasetsOver,
  STUDIES_READ_AHEAD,
} from '../../../functions/exports/core/datasets';
import type { CellValue, ExportDataset } from '../../../functions/exports/core/ports';
import type { StoredInstance, StudyRecord } from '../../../functions/imaging/core/ports';
import type { ShareRecord } from '../../../functions/sharing/core/ports';

const study = (uid: string, patientId: string, patientName: string): StudyRecord => ({
  studyInstanceUid: uid,
  patientId,
  patientName,
  studyDate: '20261124',
  studyTime: '101500',
  accessionNumber: 'ACC-1',
  referringPhysicianName: null,
  studyDescription: 'CT CHEST',
  studyId: '1',
  modalities: ['CT', 'SR'],
  seriesCount: 1,
  instanceCount: 1,
});

const instance = (studyUid: string): StoredInstance => ({
  orgId: 'org-1',
  studyInstanceUid: studyUid,
  seriesInstanceUid: `${studyUid}.1`,
  sopInstanceUid: `${studyUid}.1.1`,
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  objectKey: 'objects/secret-looking-key',
  sha256: 'ab'.repeat(32),
  sizeBytes: 2048,
  instanceNumber: 1,
  rows: 32,
  columns: 32,
  frames: 1,
  storedAt: '2026-11-24T10:15:00.000Z',
});

const member: Member = {
  userId: 'user-1',
  orgId: 'org-1',
  email: 'zoe@example.org',
  name: 'Zoë Müller',
  role: 'administrator',
  professionalRole: 'radiologist',
  permissions: ['view', 'manage-users'],
  status: 'active',
  tokensValidAfter: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'user-1',
} as Member;

const share: ShareRecord = {
  shareId: 'share-1',
  orgId: 'org-1',
  tokenHash: 'TOKEN-HASH-SECRET',
  studyInstanceUid: '1.2.3',
  seriesInstanceUids: null,
  patientId: 'P1',
  recipientEmail: 'friend@example.org',
  scope: 'view',
  deidentify: true,
  uidKey: 'UID-KEY-SECRET',
  passcodeHash: 'PASSCODE-HASH-SECRET',
  purpose: 'second opinion',
  createdAt: '2026-11-25T00:00:00.000Z',
  createdBy: 'user-1',
  expiresAt: '2026-12-25T00:00:00.000Z',
  maxUses: null,
  uses: 2,
  revokedAt: null,
  revokedBy: null,
};

/** Sources that count reads of studies, so the tests can see what is read lazily. */
function fakeSources(studies: StudyRecord[]): { sources: DatasetSources; studyReads: () => number } {
  let studyReads = 0;
  const sources: DatasetSources = {
    imaging: {
      async *studies() {
        for (const record of studies) {
          studyReads += 1;
          yield record;
        }
      },
      series: async (_org, uid) => [
        {
          studyInstanceUid: uid,
          seriesInstanceUid: `${uid}.1`,
          modality: 'CT',
          seriesNumber: 1,
          instanceCount: 1,
        },
      ],
      instances: async (_org, uid) => [instance(uid)],
      firstInstanceMetadata: async () =>
        JSON.stringify({
          '00100030': { vr: 'DA', Value: ['19700101'] },
          '00100040': { vr: 'CS', Value: ['F'] },
        }),
      versions: async () => [
        {
          version: 1,
          kind: 'edit',
          revertedTo: null,
          at: '2026-11-26T00:00:00.000Z',
          by: { userId: 'user-1', role: 'technologist' },
          reason: 'typo',
          changes: [
            {
              level: 'study',
              series: null,
              keyword: 'PatientName',
              tag: '00100010',
              before: 'Doe^Jon',
              after: 'Doe^John',
            },
          ],
          edits: { study: {}, series: {} },
        },
      ],
      reportVersions: async () => [],
    },
    members: { members: async () => [member] },
    audit: {
      async *records() {
        yield {
          eventTime: '2026-11-24T10:15:00.000Z',
          event: 'study-viewed',
          eventId: { system: 'DCM', code: '110103', meaning: 'DICOM Instances Accessed' },
          action: 'R',
          outcome: 0,
          actor: { kind: 'customer', userId: 'user-1', role: 'administrator' },
          source: { ip: '203.0.113.7', userAgent: null },
          route: 'GET /dicomweb/studies',
          httpStatus: 200,
          objects: [
            { type: 'study', id: '1.2.3' },
            { type: 'patient', id: 'P1' },
          ],
          reason: null,
          requestId: 'req-1',
        } as unknown as ChainedAuditRecord;
      },
    },
    sharing: { shares: async () => [share], accessLog: async () => [] },
    support: {
      async *tickets() {},
      messages: async () => [],
      grants: async () => [],
    },
    billing: { account: async () => null, invoices: async () => [] },
    preferences: {
      preferences: async () => ({
        transactional: { enabled: true, changeable: false, description: '' },
        marketing: { subscribed: false, eligible: true, updatedAt: null },
        latestPropagation: null,
      }),
    },
    policy: { acceptances: async () => [] },
  };
  return { sources, studyReads: () => studyReads };
}

async function rowsOf(dataset: ExportDataset | undefined): Promise<Record<string, CellValue>[]> {
  if (!dataset) throw new Error('no such dataset');
  const rows: Record<string, CellValue>[] = [];
  for await (const row of dataset.rows('org-1')) rows.push({ ...row });
  return rows;
}

const named = (datasets: readonly ExportDataset[], name: string) => datasets.find((d) => d.name === name);

describe('the organization datasets', () => {
  const twoStudies = [study('1.2.3', 'P1', 'Müller^Zoë'), study('1.2.4', 'P1', 'Müller^Zoë')];

  it('are listed in archive order under their fixed names, with valid worksheet titles', () => {
    const datasets = organizationDatasetsOver(fakeSources(twoStudies).sources);
    expect(datasets.map((d) => d.name)).toEqual([
      'patients',
      'studies',
      'series',
      'instances',
      'edit-history',
      'reports',
      'users',
      'roles',
      'audit-log',
      'shares',
      'share-access-log',
      'support-tickets',
      'support-messages',
      'support-access',
      'billing',
      'invoices',
      'communication-preferences',
      'policy-acceptances',
    ]);
    for (const dataset of datasets) {
      expect(dataset.title.length).toBeLessThanOrEqual(31);
      expect(dataset.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(new Set(dataset.columns.map((c) => c.key)).size).toBe(dataset.columns.length);
    }
  });

  it('rows carry exactly the declared columns', async () => {
    for (const dataset of organizationDatasetsOver(fakeSources(twoStudies).sources)) {
      for (const row of await rowsOf(dataset)) {
        expect(Object.keys(row).sort()).toEqual(dataset.columns.map((c) => c.key).sort());
      }
    }
  });

  it('lists a patient once, with birth date and sex from the images', async () => {
    const rows = await rowsOf(named(organizationDatasetsOver(fakeSources(twoStudies).sources), 'patients'));
    expect(rows).toEqual([
      {
        patientId: 'P1',
        patientName: 'Müller^Zoë',
        birthDate: '1970-01-01',
        sex: 'F',
        firstStudyInstanceUid: '1.2.3',
      },
    ]);
  });

  it('writes study dates as dates, stored instants as Date values, and joins lists with spaces', async () => {
    const datasets = organizationDatasetsOver(fakeSources(twoStudies).sources);
    const [studyRow] = await rowsOf(named(datasets, 'studies'));
    expect(studyRow).toMatchObject({ studyDate: '2026-11-24', studyTime: '10:15:00', modalities: 'CT SR' });
    const [instanceRow] = await rowsOf(named(datasets, 'instances'));
    expect(instanceRow?.storedAt).toEqual(new Date('2026-11-24T10:15:00.000Z'));
    const [auditRow] = await rowsOf(named(datasets, 'audit-log'));
    expect(auditRow).toMatchObject({
      objects: 'study:1.2.3 patient:P1',
      outcome: '0 success',
      action: 'R read',
    });
    const [userRow] = await rowsOf(named(datasets, 'users'));
    expect(userRow).toMatchObject({ permissions: 'manage-users view', name: 'Zoë Müller' });
    const [editRow] = await rowsOf(named(datasets, 'edit-history'));
    expect(editRow).toMatchObject({ keyword: 'PatientName', before: 'Doe^Jon', after: 'Doe^John' });
  });

  it('never writes a share token hash, passcode hash or UID key, only whether a passcode is set', async () => {
    const rows = await rowsOf(named(organizationDatasetsOver(fakeSources(twoStudies).sources), 'shares'));
    expect(rows[0]?.passcodeProtected).toBe(true);
    const written = JSON.stringify(rows);
    expect(written).not.toMatch(/TOKEN-HASH-SECRET|PASSCODE-HASH-SECRET|UID-KEY-SECRET/);
  });

  it('reads only a few studies ahead of the series rows taken', async () => {
    const many = Array.from({ length: 100 }, (_, i) => study(`1.2.${i}`, `P${i}`, 'Doe^Jane'));
    const { sources, studyReads } = fakeSources(many);
    const series = named(organizationDatasetsOver(sources), 'series');
    for await (const _row of series?.rows('org-1') ?? []) break;
    expect(studyReads()).toBe(STUDIES_READ_AHEAD);
    let rows = 0;
    for await (const _row of series?.rows('org-1') ?? []) rows += 1;
    expect(rows).toBe(many.length);
  });

  it('formats DICOM dates and times, leaving other values as stored', () => {
    expect(dicomDate('20261124')).toBe('2026-11-24');
    expect(dicomDate('2026')).toBe('2026');
    expect(dicomTime('1015')).toBe('10:15:00');
    expect(dicomTime('101530.123')).toBe('10:15:30');
    expect(dicomTime(null)).toBeNull();
  });
});
