import {
  type DeletionRecord,
  listDeletedStudies,
  type ObjectPurger,
  purgeDueDeletions,
  type RecycleBin,
  restoreDeletedStudy,
} from '../../../../functions/imaging/core/recoverable-deletes';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { NotFoundError } from '../../../../functions/shared/errors';

const admin = {
  kind: 'customer',
  orgId: 'org-a',
  userId: 'admin-1',
  role: 'administrator',
} as CustomerPrincipal;
const clock = { now: () => new Date('2027-01-10T00:00:00Z') };

const record = (overrides: Partial<DeletionRecord>): DeletionRecord => ({
  orgId: 'org-a',
  study: '1.2.3',
  deletionId: 'd1',
  scope: 'study',
  series: null,
  instance: null,
  instances: 2,
  wholeStudy: true,
  deletedAt: '2026-12-01T00:00:00.000Z',
  deletedBy: 'admin-1',
  purgeAfter: '2026-12-31T00:00:00.000Z',
  patientId: 'PID-1',
  patientName: 'Doe^Jane',
  ...overrides,
});

/** A recycle bin in memory that logs what is done to it, in order. */
function memoryBin(
  records: DeletionRecord[],
  objects: Record<string, { objectKey: string; live: boolean }[]>,
) {
  const log: string[] = [];
  const bin: RecycleBin = {
    remove: async () => null,
    listDeletions: async (orgId) => records.filter((candidate) => candidate.orgId === orgId),
    restore: async (_orgId, study) => ({
      deletions: records.filter((candidate) => candidate.study === study).length,
      restoredInstances: 2,
    }),
    dueForPurge: async (now, limit) =>
      records.filter((candidate) => candidate.purgeAfter <= now.toISOString()).slice(0, limit),
    deletedObjects: async (deletion) => objects[deletion.deletionId] ?? [],
    forget: async (deletion) => {
      log.push(`forget ${deletion.deletionId}`);
    },
  };
  return { bin, log };
}

const purger = (region: string, log: string[]): ObjectPurger => ({
  purge: async (key) => {
    log.push(`${region} ${key}`);
    return 2;
  },
});

describe('the retention purge', () => {
  it('purges due deletions in both regions, skips objects a live instance points at, and audits before forgetting', async () => {
    const { bin, log } = memoryBin(
      [
        record({ deletionId: 'due' }),
        record({ deletionId: 'later', purgeAfter: '2027-02-01T00:00:00.000Z' }),
      ],
      {
        due: [
          { objectKey: 'k1', live: false },
          { objectKey: 'k2', live: true },
        ],
      },
    );
    const audit = {
      studyPurged: async (deletion: DeletionRecord, removed: { primary: number; replica: number }) => {
        log.push(`audit ${deletion.deletionId} ${removed.primary}/${removed.replica}`);
      },
    };

    const result = await purgeDueDeletions({
      bin,
      primary: purger('primary', log),
      replica: purger('replica', log),
      audit,
      clock,
    });

    expect(result).toEqual({ purged: 1, objects: 1 });
    expect(log).toEqual(['primary k1', 'replica k1', 'audit due 2/2', 'forget due']);
  });

  it('keeps the deletion when the audit cannot be written, so the next run repeats the purge', async () => {
    const { bin, log } = memoryBin([record({})], { d1: [{ objectKey: 'k1', live: false }] });
    const failing = {
      studyPurged: async () => {
        throw new Error('audit table unavailable');
      },
    };
    await expect(
      purgeDueDeletions({
        bin,
        primary: purger('primary', log),
        replica: purger('replica', log),
        audit: failing,
        clock,
      }),
    ).rejects.toThrow('audit table unavailable');
    expect(log).not.toContain('forget d1');
  });
});

describe('what can be restored', () => {
  it('lists deletions by study, newest first, and restores only a study with deletions', async () => {
    const { bin } = memoryBin(
      [
        record({
          deletionId: 'a',
          study: '1.1',
          deletedAt: '2026-12-01T00:00:00.000Z',
          scope: 'instance',
          wholeStudy: false,
        }),
        record({
          deletionId: 'b',
          study: '1.1',
          deletedAt: '2026-12-02T00:00:00.000Z',
          scope: 'series',
          wholeStudy: false,
        }),
        record({ deletionId: 'c', study: '2.2', deletedAt: '2026-12-03T00:00:00.000Z' }),
        record({ deletionId: 'x', orgId: 'org-b', study: '3.3' }),
      ],
      {},
    );

    const listed = await listDeletedStudies({ bin }, admin);

    expect(
      listed.map((study) => [study.study, study.wholeStudy, study.deletions.map((d) => d.deletionId)]),
    ).toEqual([
      ['2.2', true, ['c']],
      ['1.1', false, ['b', 'a']],
    ]);
    await expect(restoreDeletedStudy({ bin }, admin, '2.2')).resolves.toEqual({
      study: '2.2',
      restoredInstances: 2,
      patientIds: ['PID-1'],
    });
    // Another organization's deletion answers like none at all.
    await expect(restoreDeletedStudy({ bin }, admin, '3.3')).rejects.toBeInstanceOf(NotFoundError);
    await expect(restoreDeletedStudy({ bin }, admin, '9.9')).rejects.toBeInstanceOf(NotFoundError);
  });
});
