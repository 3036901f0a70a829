import type { QidoInstanceQuery, QidoSeriesQuery, QidoStudyQuery } from '#schemas/imaging/qido';
import type { OrganizationReader } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import { editedDocument } from './attribute-edits';
import type {
  CurrentEdits,
  ImagingIndex,
  SeriesRecord,
  StoredInstance,
  StudyRecord,
  StudySearch,
} from './ports';

/** Reads beyond this many candidate studies per request are cut off and reported as truncated. */
export const MAX_STUDY_CANDIDATES = 5000;

function dateRange(value: string): { from: string; to: string } {
  const [from = '', to = ''] = value.includes('-') ? value.split('-') : [value, value];
  return { from: from || '00000000', to: to || '99999999' };
}

/**
 * The work one search request may spend matching names: every comparison step of every candidate is
 * charged to it. Worst case per name is (pattern + 1) × (name + 1) steps; the budget caps the sum, so a
 * request stays well under a second whatever the stored names are.
 */
export const MAX_NAME_MATCH_STEPS = 20_000_000;

/** Matching steps spent so far by one request, against its cap; spent once steps exceed maxSteps. */
export interface MatchBudget {
  steps: number;
  maxSteps: number;
}

const unlimited = (): MatchBudget => ({ steps: 0, maxSteps: Number.POSITIVE_INFINITY });

/**
 * Whole-value match with `*` (any run, empty included) and `?` (one character), comparing UTF-16 code
 * units as given. Greedy two-pointer matching: on a mismatch only the most recent `*` takes one more
 * character, so the work is at most (pattern + 1) × (text + 1) steps, where a backtracking regex is
 * exponential in the number of stars. Gives up (false) once the budget is spent.
 */
export function wildcardMatch(pattern: string, text: string, budget: MatchBudget = unlimited()): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resumeAt = 0;
  while (t < text.length) {
    budget.steps += 1;
    if (budget.steps > budget.maxSteps) return false;
    const wanted = pattern[p];
    if (wanted === '*') {
      star = p;
      resumeAt = t;
      p += 1;
    } else if (wanted !== undefined && (wanted === '?' || wanted === text[t])) {
      p += 1;
      t += 1;
    } else if (star >= 0) {
      p = star + 1;
      resumeAt += 1;
      t = resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** Combining marks only: the Diacritic property would also remove the ^ that separates name components. */
const withoutAccents = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '');

/**
 * PN matching (PS3.4 C.2.2.2.4): case-insensitive, * and ? wildcards, over the whole value. With
 * fuzzymatching=true every word of the pattern need only begin some name component (family, given,
 * middle…), ignoring case and accents, so "smi jo" finds "Smith^John" and "JOHN^SMÍTH". All the work is
 * charged to the budget (a step per character to fold a name's case and accents, then the comparisons);
 * once it is spent, nothing more matches.
 */
export function personNameMatcher(
  pattern: string,
  fuzzy = false,
  budget: MatchBudget = unlimited(),
): (name: string | null) => boolean {
  const affordable = (name: string) => {
    budget.steps += name.length;
    return budget.steps <= budget.maxSteps;
  };
  if (!fuzzy) {
    const upper = pattern.toUpperCase();
    return (name) => name !== null && affordable(name) && wildcardMatch(upper, name.toUpperCase(), budget);
  }
  // A word need only begin a component: the word followed by `*`, matched over the whole component.
  const words = withoutAccents(pattern)
    .toUpperCase()
    .split(/[\s^,=]+/)
    .filter(Boolean)
    .map((word) => `${word}*`);
  return (name) => {
    if (name === null || !affordable(name)) return false;
    const components = withoutAccents(name)
      .toUpperCase()
      .split(/[\s^=]+/)
      .filter(Boolean);
    return words.every((word) => components.some((component) => wildcardMatch(word, component, budget)));
  };
}

/** HHMMSS.FFFFFF with the missing parts filled low (range start) or high (range end). */
function fullTime(value: string, end: boolean): string {
  const [clock = '', fraction = ''] = value.split('.');
  const filled = clock + (end ? '995959' : '000000').slice(clock.length);
  return `${filled}.${fraction.padEnd(6, end ? '9' : '0')}`;
}

/** TM range matching over HHMM[SS[.F]] values; a single time matches that minute or second. */
export function timeMatcher(value: string): (time: string | null) => boolean {
  const [from = '', to = ''] = value.includes('-') ? value.split('-') : [value, value];
  const low = from ? fullTime(from, false) : '000000.000000';
  const high = to ? fullTime(to, true) : '999999.999999';
  return (time) => {
    if (time === null) return false;
    const at = fullTime(time, false);
    return at >= low && at <= high;
  };
}

/**
 * What every name a non-fuzzy PN pattern matches begins with, upper-cased as matching compares it: the
 * pattern's text before its first wildcard ('' when it starts with one, or when matching is fuzzy).
 */
export function patientNameStart(pattern: string | undefined, fuzzy: boolean): string {
  if (!pattern || fuzzy) return '';
  const upper = pattern.toUpperCase();
  const wildcard = upper.search(/[*?]/);
  return wildcard < 0 ? upper : upper.slice(0, wildcard);
}

export async function searchStudies(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  query: QidoStudyQuery,
  limits: { maxMatchSteps: number } = { maxMatchSteps: MAX_NAME_MATCH_STEPS },
): Promise<{ studies: StudyRecord[]; truncated: boolean }> {
  const fuzzy = query.fuzzymatching === 'true';
  const nameStart = patientNameStart(query.PatientName, fuzzy);
  const search: StudySearch = {
    ...(query.PatientID ? { patientId: query.PatientID } : {}),
    ...(query.StudyInstanceUID ? { studyInstanceUids: query.StudyInstanceUID } : {}),
    ...(query.StudyDate ? { dateRange: dateRange(query.StudyDate) } : {}),
    ...(nameStart ? { patientNameStart: nameStart } : {}),
  };
  const wanted = query.offset + query.limit;
  // Both name keys draw on one budget: the request's matching work is bounded, not each comparison's.
  const budget: MatchBudget = { steps: 0, maxSteps: limits.maxMatchSteps };
  const nameMatches = query.PatientName ? personNameMatcher(query.PatientName, fuzzy, budget) : () => true;
  const referrerMatches = query.ReferringPhysicianName
    ? personNameMatcher(query.ReferringPhysicianName, fuzzy, budget)
    : () => true;
  const timeMatches = query.StudyTime ? timeMatcher(query.StudyTime) : () => true;
  const matching: StudyRecord[] = [];
  let read = 0;
  let cutShort = false;
  // Candidates are read as they are matched, and reading stops once one more than the page has matched:
  // a search costs what it returns (and what it had to skip), not what the organization holds.
  // The first page holds what the search wants (the index caps a page's size).
  for await (const study of deps.index.findStudies(principal.orgId, search, wanted + 1)) {
    read += 1;
    const matches =
      nameMatches(study.patientName) &&
      referrerMatches(study.referringPhysicianName) &&
      timeMatches(study.studyTime) &&
      (!query.AccessionNumber || study.accessionNumber === query.AccessionNumber) &&
      (!query.ModalitiesInStudy || study.modalities.includes(query.ModalitiesInStudy));
    // A spent budget ends the search where it stands, reported as truncated like the candidate cap.
    if (budget.steps > budget.maxSteps) {
      cutShort = true;
      break;
    }
    if (matches) matching.push(study);
    if (matching.length > wanted) break;
    if (read >= MAX_STUDY_CANDIDATES) {
      cutShort = true;
      break;
    }
  }
  return { studies: matching.slice(query.offset, wanted), truncated: matching.length > wanted || cutShort };
}

/** One page of a list, and whether more matched than the page holds. */
export interface Page<T> {
  items: T[];
  truncated: boolean;
}

function page<T>(matching: T[], query: { limit: number; offset: number }): Page<T> {
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    truncated: matching.length > query.offset + query.limit,
  };
}

const inList = (list: readonly string[] | undefined, value: string) => !list || list.includes(value);

export async function searchSeries(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  study: string,
  query: QidoSeriesQuery,
): Promise<Page<SeriesRecord> & { study: StudyRecord }> {
  // Independent reads: the study (which must exist, and names the patient) beside its series.
  const [record, series] = await Promise.all([
    deps.index.getStudy(principal.orgId, study),
    deps.index.listSeries(principal.orgId, study),
  ]);
  if (!record) throw new NotFoundError('Study not found.');
  const matching = series.filter(
    (item) =>
      inList(query.SeriesInstanceUID, item.seriesInstanceUid) &&
      (!query.Modality || item.modality === query.Modality) &&
      (query.SeriesNumber === undefined || item.seriesNumber === query.SeriesNumber),
  );
  return { ...page(matching, query), study: record };
}

/** A study's instances, or one series' (series null: the whole study). */
export async function searchInstances(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  study: string,
  series: string | null,
  query: QidoInstanceQuery,
): Promise<Page<StoredInstance>> {
  const instances = await deps.index.listInstances(principal.orgId, study, series);
  if (instances.length === 0) throw new NotFoundError(series ? 'Series not found.' : 'Study not found.');
  const matching = instances
    .filter(
      (item) =>
        inList(query.SOPInstanceUID, item.sopInstanceUid) &&
        inList(query.SeriesInstanceUID, item.seriesInstanceUid) &&
        (!query.SOPClassUID || item.sopClassUid === query.SOPClassUID) &&
        (query.InstanceNumber === undefined || item.instanceNumber === query.InstanceNumber),
    )
    .sort(
      (a, b) =>
        a.seriesInstanceUid.localeCompare(b.seriesInstanceUid) ||
        (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) ||
        a.sopInstanceUid.localeCompare(b.sopInstanceUid),
    );
  return page(matching, query);
}

/**
 * The stored DICOM JSON of a study's instances by SOP Instance UID, for includefield beyond the
 * indexed attributes: one read of the index, the same one WADO metadata uses.
 */
export async function storedMetadata(
  deps: { index: ImagingIndex; edits?: CurrentEdits },
  principal: OrganizationReader,
  study: string,
  series: string | null,
): Promise<Map<string, Record<string, Record<string, unknown>>>> {
  const [documents, edits] = await Promise.all([
    deps.index.listMetadata(principal.orgId, study, series),
    deps.edits?.currentEdits(principal.orgId, study) ?? null,
  ]);
  const bySop = new Map<string, Record<string, Record<string, unknown>>>();
  for (const document of documents) {
    // As the study currently reads, when it has been edited.
    const dataset = JSON.parse(edits ? editedDocument(document, edits) : document) as Record<
      string,
      Record<string, unknown>
    >;
    const sop = (dataset['00080018']?.Value as unknown[] | undefined)?.[0];
    if (typeof sop === 'string') bySop.set(sop, dataset);
  }
  return bySop;
}

/** Root-level series and instance searches look into at most this many matching studies. */
export const MAX_STUDIES_PER_ROOT_SEARCH = 200;
const PARALLEL_STUDY_READS = 8;

async function inEachStudy<T>(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  query: QidoStudyQuery,
  read: (study: StudyRecord) => Promise<T[]>,
): Promise<{ found: T[]; truncated: boolean }> {
  const { studies, truncated } = await searchStudies(deps, principal, {
    ...query,
    limit: MAX_STUDIES_PER_ROOT_SEARCH,
    offset: 0,
  });
  const found: T[] = [];
  for (let start = 0; start < studies.length; start += PARALLEL_STUDY_READS) {
    const batch = await Promise.all(studies.slice(start, start + PARALLEL_STUDY_READS).map(read));
    for (const items of batch) found.push(...items);
  }
  return { found, truncated };
}

/**
 * QIDO-RS /series at the root: the series of the studies that match the study-level keys, filtered by
 * the series-level keys. Studies beyond MAX_STUDIES_PER_ROOT_SEARCH make the result truncated.
 */
export async function searchAllSeries(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  query: QidoStudyQuery & QidoSeriesQuery,
): Promise<Page<{ study: StudyRecord; series: SeriesRecord }>> {
  const { found, truncated } = await inEachStudy(deps, principal, query, async (study) =>
    (await deps.index.listSeries(principal.orgId, study.studyInstanceUid)).map((series) => ({
      study,
      series,
    })),
  );
  const matching = found.filter(
    ({ series }) =>
      inList(query.SeriesInstanceUID, series.seriesInstanceUid) &&
      (!query.Modality || series.modality === query.Modality) &&
      (query.SeriesNumber === undefined || series.seriesNumber === query.SeriesNumber),
  );
  const result = page(matching, query);
  return { items: result.items, truncated: result.truncated || truncated };
}

/** QIDO-RS /instances at the root: as /series, one level down. */
export async function searchAllInstances(
  deps: { index: ImagingIndex },
  principal: OrganizationReader,
  query: QidoStudyQuery & QidoInstanceQuery,
): Promise<Page<{ study: StudyRecord; instance: StoredInstance }>> {
  const { found, truncated } = await inEachStudy(deps, principal, query, async (study) =>
    (await deps.index.listInstances(principal.orgId, study.studyInstanceUid, null)).map((instance) => ({
      study,
      instance,
    })),
  );
  const matching = found.filter(
    ({ instance }) =>
      inList(query.SOPInstanceUID, instance.sopInstanceUid) &&
      inList(query.SeriesInstanceUID, instance.seriesInstanceUid) &&
      (!query.SOPClassUID || instance.sopClassUid === query.SOPClassUID) &&
      (query.InstanceNumber === undefined || instance.instanceNumber === query.InstanceNumber),
  );
  const result = page(matching, query);
  return { items: result.items, truncated: result.truncated || truncated };
}
