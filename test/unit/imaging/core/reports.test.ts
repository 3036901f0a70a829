import { type ReportStore, readReport, writeReport } from '../../../../functions/imaging/core/reports';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../../functions/shared/errors';
import type { Report } from '../../../../schemas/imaging/reports';

const radiologist = {
  kind: 'customer',
  orgId: 'org-a',
  userId: 'rad-1',
  role: 'radiologist',
} as CustomerPrincipal;
const clock = { now: () => new Date('2026-12-03T12:00:00Z') };

function memoryReports(options: { raceOnce?: boolean } = {}) {
  const versions: Report[] = [];
  let race = options.raceOnce ?? false;
  const reports: ReportStore = {
    current: async () => versions.at(-1) ?? null,
    write: async (_orgId, report, expected) => {
      if (race) {
        race = false;
        versions.push({
          ...report,
          text: 'written by someone else',
          author: { userId: 'rad-2', role: 'radiologist' },
        });
        return 'conflict';
      }
      if ((versions.at(-1)?.version ?? 0) !== expected) return 'conflict';
      versions.push(report);
      return 'written';
    },
    versions: async () => [...versions],
  };
  return {
    deps: { reports, studyExists: async (_org: string, study: string) => study === '1.2.3', clock },
    versions,
  };
}

describe('radiology reports', () => {
  it('versions every write; a final report is amended only as final, with a reason', async () => {
    const { deps, versions } = memoryReports();
    await writeReport(deps, radiologist, '1.2.3', { text: 'draft', status: 'draft' });
    await writeReport(deps, radiologist, '1.2.3', { text: 'final', status: 'final' });

    await expect(
      writeReport(deps, radiologist, '1.2.3', { text: 'amend', status: 'final' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      writeReport(deps, radiologist, '1.2.3', { text: 'back', status: 'draft', reason: 'r' }),
    ).rejects.toBeInstanceOf(ConflictError);
    const amended = await writeReport(deps, radiologist, '1.2.3', {
      text: 'amend',
      status: 'final',
      reason: 'addendum',
    });

    expect(amended).toMatchObject({
      version: 3,
      amended: true,
      reason: 'addendum',
      author: { userId: 'rad-1' },
    });
    expect(versions.map((version) => [version.version, version.status, version.text])).toEqual([
      [1, 'draft', 'draft'],
      [2, 'final', 'final'],
      [3, 'final', 'amend'],
    ]);
  });

  it('refuses a study that does not exist, and reads no report where none was written', async () => {
    const { deps, versions } = memoryReports();
    await expect(
      writeReport(deps, radiologist, '9.9', { text: 't', status: 'draft' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(readReport(deps, radiologist, '1.2.3')).rejects.toBeInstanceOf(NotFoundError);
    expect(versions).toEqual([]);
  });

  it('loses neither of two concurrent writes: the later one becomes the next version', async () => {
    const { deps, versions } = memoryReports({ raceOnce: true });
    const written = await writeReport(deps, radiologist, '1.2.3', { text: 'mine', status: 'draft' });
    expect(written.version).toBe(2);
    expect(versions.map((version) => version.author.userId)).toEqual(['rad-2', 'rad-1']);
  });
});
