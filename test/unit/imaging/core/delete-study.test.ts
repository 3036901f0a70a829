import { deleteStudy } from '../../../../functions/imaging/core/delete-study';
import type {
  ImagingIndex,
  ObjectStore,
  StoredInstance,
  StudyRecord,
} from '../../../../functions/imaging/core/ports';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';

const admin = { kind: 'customer', orgId: 'org-a', userId: 'u1', role: 'administrator' } as CustomerPrincipal;

/** One study of 20 instances in org-a; records what is deleted, in order. */
function imaging(options: { failObjectDelete?: string } = {}) {
  const log: string[] = [];
  const instances = Array.from(
    { length: 20 },
    (_, n) => ({ orgId: 'org-a', studyInstanceUid: '1.2.3', objectKey: `k${n}` }) as StoredInstance,
  );
  let indexed = true;
  const index = {
    getStudy: async (orgId: string, study: string) =>
      indexed && orgId === 'org-a' && study === '1.2.3' ? ({ patientId: 'PID-9' } as StudyRecord) : null,
    listInstances: async () => (indexed ? instances : []),
    deleteStudy: async () => {
      log.push('index');
      indexed = false;
    },
  } as unknown as ImagingIndex;
  const objects = {
    delete: async (key: string) => {
      if (key === options.failObjectDelete) throw new Error('S3 unavailable');
      log.push(key);
    },
  } as unknown as ObjectStore;
  return { deps: { index, objects }, log };
}

describe('study deletion', () => {
  it('[PP-18] deletes every stored object before the index entries, and names the patient for the audit', async () => {
    const { deps, log } = imaging();

    await expect(deleteStudy(deps, admin, '1.2.3')).resolves.toEqual({ patientId: 'PID-9', instances: 20 });

    expect(log.slice(0, 20).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `k${n}`).sort());
    expect(log.at(-1)).toBe('index');
  });

  it('keeps the index when an object cannot be deleted, so no entry outlives its object and a retry finishes', async () => {
    const failing = imaging({ failObjectDelete: 'k13' });

    await expect(deleteStudy(failing.deps, admin, '1.2.3')).rejects.toThrow('S3 unavailable');
    expect(failing.log).not.toContain('index');
  });

  it("[PP-07] answers another organization's study, and a deleted one, as missing", async () => {
    const { deps } = imaging();
    const other = { ...admin, orgId: 'org-b' } as CustomerPrincipal;

    await expect(deleteStudy(deps, other, '1.2.3')).rejects.toThrow('Study not found.');
    await deleteStudy(deps, admin, '1.2.3');
    await expect(deleteStudy(deps, admin, '1.2.3')).rejects.toThrow('Study not found.');
  });
});
