import type { DeletedStudy, Deletion } from '#schemas/imaging/deleted-studies';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { Clock, IdGenerator } from '../../shared/ports';

/** What a deletion removed from search and retrieval; restorable until purgeAfter. */
export interface DeletionRecord {
  orgId: string;
  study: string;
  deletionId: string;
  scope: 'study' | 'series' | 'instance';
  series: string | null;
  instance: string | null;
  /** Instances taken away. */
  instances: number;
  /** Whether the deletion took the whole study (the scope may be narrower: its last series or instance). */
  wholeStudy: boolean;
  deletedAt: string;
  deletedBy: string;
  purgeAfter: string;
  patientId: string | null;
  patientName: string | null;
}

export type DeletionScope =
  | { scope: 'study' }
  | { scope: 'series'; series: string }
  | { scope: 'instance'; series: string; instance: string };

/**
 * Port: the index's recycle bin. A deletion moves the scope's index items out of the study's partition
 * (so no search or retrieval can find them) into a deleted-items partition, beside a record of it; the
 * stored objects stay until the purge.
 */
export interface RecycleBin {
  /** Null (nothing written) when the organization has no such study, series or instance. */
  remove(
    orgId: string,
    study: string,
    scope: DeletionScope,
    record: Pick<DeletionRecord, 'deletionId' | 'deletedAt' | 'deletedBy' | 'purgeAfter'>,
  ): Promise<DeletionRecord | null>;
  listDeletions(orgId: string): Promise<DeletionRecord[]>;
  /** Puts every deleted item of the study back (never over a live one) and forgets the deletions. */
  restore(orgId: string, study: string): Promise<{ deletions: number; restoredInstances: number }>;
  /** Deletions whose retention ended at or before `now`, across organizations, oldest first. */
  dueForPurge(now: Date, limit: number): Promise<DeletionRecord[]>;
  /** The object keys a deletion's instances point at, and whether a live instance still points at each. */
  deletedObjects(record: DeletionRecord): Promise<{ objectKey: string; live: boolean }[]>;
  /** Removes a deletion's items and record for good. */
  forget(record: DeletionRecord): Promise<void>;
}

/** Port: removes an object for good, every version of it, from one bucket (one region). */
export interface ObjectPurger {
  /** The number of versions (and delete markers) removed; 0 when the key was already gone. */
  purge(key: string): Promise<number>;
}

export interface DeleteDeps {
  bin: RecycleBin;
  clock: Clock;
  ids: IdGenerator;
  retentionDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Removes a study, series or instance from search and retrieval at once, restorable for the retention
 * period. Foreign and missing ids are both not found.
 */
export async function deleteRecoverably(
  deps: DeleteDeps,
  principal: CustomerPrincipal,
  study: string,
  scope: DeletionScope,
): Promise<DeletionRecord> {
  const now = deps.clock.now();
  const record = await deps.bin.remove(principal.orgId, study, scope, {
    deletionId: deps.ids.newId(),
    deletedAt: now.toISOString(),
    deletedBy: principal.userId,
    purgeAfter: new Date(now.getTime() + deps.retentionDays * DAY_MS).toISOString(),
  });
  if (!record) {
    throw new NotFoundError(
      scope.scope === 'instance'
        ? 'Instance not found.'
        : scope.scope === 'series'
          ? 'Series not found.'
          : 'Study not found.',
    );
  }
  return record;
}

const deletionView = (record: DeletionRecord): Deletion => ({
  deletionId: record.deletionId,
  scope: record.scope,
  series: record.series,
  instance: record.instance,
  instances: record.instances,
  deletedAt: record.deletedAt,
  deletedBy: record.deletedBy,
  purgeAfter: record.purgeAfter,
});

/** What can still be restored, by study, newest deletion first. */
export async function listDeletedStudies(
  deps: Pick<DeleteDeps, 'bin'>,
  principal: CustomerPrincipal,
): Promise<DeletedStudy[]> {
  const byStudy = new Map<string, DeletionRecord[]>();
  for (const record of await deps.bin.listDeletions(principal.orgId)) {
    byStudy.set(record.study, [...(byStudy.get(record.study) ?? []), record]);
  }
  return [...byStudy.entries()]
    .map(([study, records]) => {
      const sorted = records.sort((a, b) => b.deletedAt.localeCompare(a.deletedAt));
      const first = sorted[0] as DeletionRecord;
      return {
        study,
        patientId: first.patientId,
        patientName: first.patientName,
        wholeStudy: sorted.some((record) => record.wholeStudy),
        deletions: sorted.map(deletionView),
      };
    })
    .sort((a, b) => (b.deletions[0]?.deletedAt ?? '').localeCompare(a.deletions[0]?.deletedAt ?? ''));
}

/** Brings back everything deleted of a study that is not yet purged; not found when nothing is. */
export async function restoreDeletedStudy(
  deps: Pick<DeleteDeps, 'bin'>,
  principal: CustomerPrincipal,
  study: string,
): Promise<{ study: string; restoredInstances: number; patientIds: string[] }> {
  const records = (await deps.bin.listDeletions(principal.orgId)).filter((record) => record.study === study);
  if (records.length === 0) throw new NotFoundError('No deleted study with this UID.');
  const { deletions, restoredInstances } = await deps.bin.restore(principal.orgId, study);
  if (deletions === 0) throw new NotFoundError('No deleted study with this UID.');
  const patientIds = [...new Set(records.flatMap((record) => (record.patientId ? [record.patientId] : [])))];
  return { study, restoredInstances, patientIds };
}

/** Port: the audit trail of work PACScribe does on its own (no request, no caller). */
export interface SystemAudit {
  studyPurged(record: DeletionRecord, removedVersions: { primary: number; replica: number }): Promise<void>;
}

export interface PurgeDeps {
  bin: RecycleBin;
  /** The imaging bucket, and its cross-region replica: explicit version deletes are not replicated. */
  primary: ObjectPurger;
  replica: ObjectPurger;
  audit: SystemAudit;
  clock: Clock;
}

/** Deletions purged per run; the schedule runs again soon, so a backlog drains in steps. */
export const PURGE_BATCH = 50;
const PARALLEL_PURGES = 8;

/**
 * Purges every deletion whose retention ended: each object (all versions) in both regions, unless a live
 * instance still points at it, then the deleted index items and the record; each purge audited. A purge
 * cut short leaves the record, so the next run repeats it.
 */
export async function purgeDueDeletions(
  deps: PurgeDeps,
  limit = PURGE_BATCH,
): Promise<{ purged: number; objects: number }> {
  const due = await deps.bin.dueForPurge(deps.clock.now(), limit);
  let objects = 0;
  for (const record of due) {
    const keys = (await deps.bin.deletedObjects(record)).filter((object) => !object.live);
    const removed = { primary: 0, replica: 0 };
    for (let start = 0; start < keys.length; start += PARALLEL_PURGES) {
      await Promise.all(
        keys.slice(start, start + PARALLEL_PURGES).map(async ({ objectKey }) => {
          removed.primary += await deps.primary.purge(objectKey);
          removed.replica += await deps.replica.purge(objectKey);
        }),
      );
    }
    objects += keys.length;
    // Audited before the record goes: if the audit write fails, the next run repeats the purge.
    await deps.audit.studyPurged(record, removed);
    await deps.bin.forget(record);
  }
  return { purged: due.length, objects };
}
