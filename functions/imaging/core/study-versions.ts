import type { AuditChange } from '#schemas/audit/audit-event';
import type {
  AttributeChange,
  EditAttributesBody,
  EditValue,
  StudyVersionView,
} from '#schemas/imaging/study-edits';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { Clock } from '../../shared/ports';
import { type AttributeEdits, NO_EDITS, storedValue } from './attribute-edits';
import { checkEdits, type EditLevel, editableAttribute } from './editable-attributes';

/** A version as stored: what changed, who, when, why, and the edits in force after it. */
export interface StoredStudyVersion {
  version: number;
  kind: 'edit' | 'revert';
  revertedTo: number | null;
  at: string;
  by: { userId: string; role: string };
  reason: string;
  changes: AttributeChange[];
  edits: AttributeEdits;
}

/** Study fields the index matches on (QIDO), by the keyword that sets them. */
export const INDEXED_STUDY_FIELDS = {
  PatientID: 'patientId',
  PatientName: 'patientName',
  StudyDate: 'studyDate',
  StudyTime: 'studyTime',
  AccessionNumber: 'accessionNumber',
  ReferringPhysicianName: 'referringPhysicianName',
  StudyDescription: 'studyDescription',
  StudyID: 'studyId',
} as const;
export type IndexedStudyField = (typeof INDEXED_STUDY_FIELDS)[keyof typeof INDEXED_STUDY_FIELDS];

/** What the index must show after a version, written in the same transaction as the version. */
export interface IndexedChanges {
  study: Partial<Record<IndexedStudyField, string | null>>;
  /** Set when StudyDate or PatientID changed: the study's keys in the date and patient indexes follow. */
  sortKeys: { studyDate: string | null; patientId: string | null } | null;
  series: { series: string; seriesNumber: number | null }[];
}

/** Port: a study's versions, beside its index entries. */
export interface StudyVersionStore {
  /** The current version number and edits; null when the organization has no such study. */
  editState(orgId: string, study: string): Promise<{ version: number; edits: AttributeEdits } | null>;
  /** The stored (unedited) DICOM JSON of the first instance of the study, or of one series. */
  storedMetadata(orgId: string, study: string, series: string | null): Promise<string | null>;
  /**
   * Writes the version and the index changes at once, only if the study is still at expectedVersion:
   * 'conflict' when another edit got there first (nothing written), 'missing' when the study is gone.
   */
  commit(
    orgId: string,
    study: string,
    expectedVersion: number,
    version: StoredStudyVersion,
    indexed: IndexedChanges,
  ): Promise<'committed' | 'conflict' | 'missing'>;
  listVersions(orgId: string, study: string): Promise<StoredStudyVersion[]>;
}

export interface StudyVersionDeps {
  versions: StudyVersionStore;
  clock: Clock;
}

/** Concurrent edits each become their own version: a loser re-reads and applies on top, this often. */
const MAX_COMMIT_ATTEMPTS = 6;

type Dataset = Record<string, { vr?: string; Value?: unknown[] }>;

/** The stored values an edit compares with, read once per use case and series. */
class StoredValues {
  private readonly documents = new Map<string, Promise<Dataset | null>>();
  constructor(
    private readonly deps: StudyVersionDeps,
    private readonly orgId: string,
    private readonly study: string,
  ) {}
  private dataset(series: string | null): Promise<Dataset | null> {
    const key = series ?? '';
    let found = this.documents.get(key);
    if (!found) {
      found = this.deps.versions
        .storedMetadata(this.orgId, this.study, series)
        .then((document) => (document ? (JSON.parse(document) as Dataset) : null));
      this.documents.set(key, found);
    }
    return found;
  }
  async value(level: EditLevel, series: string | null, keyword: string): Promise<EditValue> {
    return storedValue(await this.dataset(level === 'study' ? null : series), keyword);
  }
}

async function currentValue(
  stored: StoredValues,
  edits: AttributeEdits,
  level: EditLevel,
  series: string | null,
  keyword: string,
): Promise<EditValue> {
  const overrides = level === 'study' ? edits.study : (edits.series[series ?? ''] ?? {});
  return Object.hasOwn(overrides, keyword)
    ? (overrides[keyword] ?? null)
    : stored.value(level, series, keyword);
}

/** The index fields and keys a set of changes moves, given the edits in force after them. */
async function indexedChanges(
  changes: readonly AttributeChange[],
  after: AttributeEdits,
  stored: StoredValues,
): Promise<IndexedChanges> {
  const study: IndexedChanges['study'] = {};
  const series: IndexedChanges['series'] = [];
  for (const change of changes) {
    if (change.level === 'study' && change.keyword in INDEXED_STUDY_FIELDS) {
      const field = INDEXED_STUDY_FIELDS[change.keyword as keyof typeof INDEXED_STUDY_FIELDS];
      study[field] = change.after === null ? null : String(change.after);
    }
    if (change.level === 'series' && change.keyword === 'SeriesNumber' && change.series) {
      series.push({
        series: change.series,
        seriesNumber: change.after === null ? null : Number(change.after),
      });
    }
  }
  const moved = changes.some(
    (change) =>
      change.level === 'study' && (change.keyword === 'StudyDate' || change.keyword === 'PatientID'),
  );
  const text = (value: EditValue) => (value === null ? null : String(value));
  const sortKeys = moved
    ? {
        studyDate: text(await currentValue(stored, after, 'study', null, 'StudyDate')),
        patientId: text(await currentValue(stored, after, 'study', null, 'PatientID')),
      }
    : null;
  return { study, sortKeys, series };
}

/** Runs plan against the current state and commits it as the next version, retrying on a lost race. */
async function commitNextVersion(
  deps: StudyVersionDeps,
  principal: CustomerPrincipal,
  study: string,
  plan: (
    state: { version: number; edits: AttributeEdits },
    stored: StoredValues,
  ) => Promise<{ edits: AttributeEdits; changes: AttributeChange[]; revertedTo: number | null } | null>,
  reason: string,
): Promise<{ version: StoredStudyVersion | null; current: number }> {
  const stored = new StoredValues(deps, principal.orgId, study);
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt += 1) {
    const state = await deps.versions.editState(principal.orgId, study);
    if (!state) throw new NotFoundError('Study not found.');
    const planned = await plan(state, stored);
    // Nothing would change: no new version (a retried request is harmless).
    if (!planned || planned.changes.length === 0) return { version: null, current: state.version };
    const version: StoredStudyVersion = {
      version: state.version + 1,
      kind: planned.revertedTo === null ? 'edit' : 'revert',
      revertedTo: planned.revertedTo,
      at: deps.clock.now().toISOString(),
      by: { userId: principal.userId, role: principal.role },
      reason,
      changes: planned.changes,
      edits: planned.edits,
    };
    const indexed = await indexedChanges(planned.changes, planned.edits, stored);
    const outcome = await deps.versions.commit(principal.orgId, study, state.version, version, indexed);
    if (outcome === 'committed') return { version, current: version.version };
    if (outcome === 'missing') throw new NotFoundError('Study not found.');
  }
  throw new ConflictError('The study is being edited by others; try again.');
}

function withOverride(
  edits: AttributeEdits,
  level: EditLevel,
  series: string | null,
  keyword: string,
  value: EditValue | undefined,
): AttributeEdits {
  const apply = (record: Readonly<Record<string, EditValue>>) => {
    const next = { ...record };
    if (value === undefined) delete next[keyword];
    else next[keyword] = value;
    return next;
  };
  if (level === 'study') return { ...edits, study: apply(edits.study) };
  const key = series ?? '';
  const nextSeries = { ...edits.series, [key]: apply(edits.series[key] ?? {}) };
  if (Object.keys(nextSeries[key] ?? {}).length === 0) delete nextSeries[key];
  return { ...edits, series: nextSeries };
}

/**
 * Edits patient and study attributes (series null) or one series' attributes, as a new version. The
 * stored instances stay as they are; an edit back to the stored value drops the override.
 */
export async function editAttributes(
  deps: StudyVersionDeps,
  principal: CustomerPrincipal,
  study: string,
  series: string | null,
  body: EditAttributesBody,
  seriesExists: (series: string) => Promise<boolean>,
): Promise<{ version: StoredStudyVersion | null; current: number }> {
  const level: EditLevel = series ? 'series' : 'study';
  const checked = checkEdits(level, body.changes);
  if (series && !(await deps.versions.editState(principal.orgId, study))) {
    throw new NotFoundError('Study not found.');
  }
  if (series && !(await seriesExists(series))) throw new NotFoundError('Series not found.');
  return commitNextVersion(
    deps,
    principal,
    study,
    async (state, stored) => {
      let edits = state.edits;
      const changes: AttributeChange[] = [];
      for (const edit of checked) {
        const before = await currentValue(stored, edits, level, series, edit.keyword);
        if (before === edit.value) continue;
        const original = await stored.value(level, series, edit.keyword);
        edits = withOverride(
          edits,
          level,
          series,
          edit.keyword,
          original === edit.value ? undefined : edit.value,
        );
        changes.push({ level, series, keyword: edit.keyword, tag: edit.tag, before, after: edit.value });
      }
      return { edits, changes, revertedTo: null };
    },
    body.reason,
  );
}

/** Every (level, series, keyword) either set of edits overrides. */
function overriddenAttributes(...sets: AttributeEdits[]) {
  const seen = new Map<string, { level: EditLevel; series: string | null; keyword: string }>();
  for (const edits of sets) {
    for (const keyword of Object.keys(edits.study)) {
      seen.set(`study//${keyword}`, { level: 'study', series: null, keyword });
    }
    for (const [series, overrides] of Object.entries(edits.series)) {
      for (const keyword of Object.keys(overrides)) {
        seen.set(`series/${series}/${keyword}`, { level: 'series', series, keyword });
      }
    }
  }
  return [...seen.values()];
}

/** Restores the attributes of version n (0: as stored) as a new version; later versions stay listed. */
export async function revertStudy(
  deps: StudyVersionDeps,
  principal: CustomerPrincipal,
  study: string,
  target: number,
  reason: string,
): Promise<{ version: StoredStudyVersion | null; current: number }> {
  return commitNextVersion(
    deps,
    principal,
    study,
    async (state, stored) => {
      if (target > state.version) throw new NotFoundError('No such version of this study.');
      let edits = NO_EDITS;
      if (target > 0) {
        const found = (await deps.versions.listVersions(principal.orgId, study)).find(
          (version) => version.version === target,
        );
        if (!found) throw new NotFoundError('No such version of this study.');
        edits = found.edits;
      }
      const changes: AttributeChange[] = [];
      for (const { level, series, keyword } of overriddenAttributes(state.edits, edits)) {
        const before = await currentValue(stored, state.edits, level, series, keyword);
        const after = await currentValue(stored, edits, level, series, keyword);
        if (before !== after) {
          changes.push({ level, series, keyword, tag: editableAttribute(keyword).tag, before, after });
        }
      }
      return { edits, changes, revertedTo: target };
    },
    reason,
  );
}

export function versionView(version: StoredStudyVersion): StudyVersionView {
  const { edits: _edits, ...view } = version;
  return view;
}

/** Every version, oldest first, starting with 0 (the study as stored). */
export async function listStudyVersions(
  deps: StudyVersionDeps,
  principal: CustomerPrincipal,
  study: string,
): Promise<{ study: string; currentVersion: number; versions: StudyVersionView[] }> {
  const [state, versions] = await Promise.all([
    deps.versions.editState(principal.orgId, study),
    deps.versions.listVersions(principal.orgId, study),
  ]);
  if (!state) throw new NotFoundError('Study not found.');
  const stored: StudyVersionView = {
    version: 0,
    kind: 'stored',
    revertedTo: null,
    at: null,
    by: null,
    reason: null,
    changes: [],
  };
  return { study, currentVersion: state.version, versions: [stored, ...versions.map(versionView)] };
}

/** The audit record's before/after values of a version's changes. */
export function auditChanges(changes: readonly AttributeChange[]): AuditChange[] {
  const text = (value: EditValue) => (value === null ? null : String(value).slice(0, 1024));
  return changes.map((change) => ({
    attribute: change.series ? `${change.series}/${change.keyword}` : change.keyword,
    before: text(change.before),
    after: text(change.after),
  }));
}
