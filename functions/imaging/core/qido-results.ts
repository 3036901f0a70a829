import type {
  QidoInstanceQuery,
  QidoRootInstanceQuery,
  QidoRootSeriesQuery,
  QidoSeriesQuery,
  QidoStudyQuery,
} from '#schemas/imaging/qido';
import type { OrganizationReader } from '../../shared/auth/principal';
import {
  type DicomJsonDataset,
  instanceToDicomJson,
  seriesToDicomJson,
  studyToDicomJson,
} from './dicom-json';
import { asksBeyond, atSeriesLevel, resolveIncludeFields, withIncludedFields } from './include-fields';
import type { CurrentEdits, ImagingIndex, StudyRecord } from './ports';
import {
  type Page,
  searchAllInstances,
  searchAllSeries,
  searchInstances,
  searchSeries,
  searchStudies,
  storedMetadata,
} from './search';

/** One page of QIDO-RS results in the DICOM JSON model, and whether it was cut short. */
export interface QidoResults {
  results: DicomJsonDataset[];
  truncated: boolean;
  /** The studies and patients the page reveals, for the audit record. */
  studies: string[];
  patients: string[];
}

const distinct = (values: readonly (string | null | undefined)[]): string[] => [
  ...new Set(values.filter((value): value is string => Boolean(value))),
];

type Deps = { index: ImagingIndex; edits?: CurrentEdits };

/** Study results carry every attribute the index holds for a study; includefield is checked, not widened. */
export async function studyResults(
  deps: Deps,
  caller: OrganizationReader,
  query: QidoStudyQuery,
  serviceRoot: string,
): Promise<QidoResults> {
  resolveIncludeFields(query.includefield);
  const { studies, truncated } = await searchStudies(deps, caller, query);
  return {
    results: studies.map((study) => studyToDicomJson(study, serviceRoot)),
    truncated,
    studies: studies.map((study) => study.studyInstanceUid),
    patients: distinct(studies.map((record) => record.patientId)),
  };
}

/**
 * A study's series. Series-level attributes beyond the index (includefield) come from each series' first
 * stored instance, read only when asked for.
 */
export async function seriesResults(
  deps: Deps,
  caller: OrganizationReader,
  study: string,
  query: QidoSeriesQuery,
  serviceRoot: string,
): Promise<QidoResults> {
  const fields = atSeriesLevel(resolveIncludeFields(query.includefield));
  // The study's record, which the search reads anyway, names the patient.
  const { items, truncated, study: record } = await searchSeries(deps, caller, study, query);
  let results = items.map((series) => seriesToDicomJson(series, serviceRoot));
  if (results[0] && asksBeyond(fields, results[0])) {
    const firstBySeries = new Map<string, Record<string, Record<string, unknown>>>();
    for (const dataset of (await storedMetadata(deps, caller, study, null)).values()) {
      const series = (dataset['0020000E']?.Value as unknown[] | undefined)?.[0];
      if (typeof series === 'string' && !firstBySeries.has(series)) firstBySeries.set(series, dataset);
    }
    results = items.map((series, index) =>
      withIncludedFields(
        results[index] as DicomJsonDataset,
        fields,
        firstBySeries.get(series.seriesInstanceUid) ?? null,
      ),
    );
  }
  return { results, truncated, studies: [study], patients: distinct([record.patientId]) };
}

/** A series' instances, or (series null) a whole study's; includefield reads the stored metadata. */
export async function instanceResults(
  deps: Deps,
  caller: OrganizationReader,
  study: string,
  series: string | null,
  query: QidoInstanceQuery,
  serviceRoot: string,
): Promise<QidoResults> {
  const fields = resolveIncludeFields(query.includefield);
  const [{ items, truncated }, record] = await Promise.all([
    searchInstances(deps, caller, study, series, query),
    deps.index.getStudy(caller.orgId, study),
  ]);
  let results = items.map((instance) => instanceToDicomJson(instance, serviceRoot));
  if (results[0] && asksBeyond(fields, results[0])) {
    const stored = await storedMetadata(deps, caller, study, series);
    results = items.map((instance, index) =>
      withIncludedFields(
        results[index] as DicomJsonDataset,
        fields,
        stored.get(instance.sopInstanceUid) ?? null,
      ),
    );
  }
  return {
    results,
    truncated,
    studies: [study],
    patients: distinct([record?.patientId, ...items.map((instance) => instance.patientId)]),
  };
}

/** QIDO-RS /series: series across studies, each with its study's attributes. */
export const rootSeriesResults = (
  deps: Deps,
  caller: OrganizationReader,
  query: QidoRootSeriesQuery,
  root: string,
) =>
  rootResults(deps, caller, query, root, searchAllSeries, ({ series }, at) => seriesToDicomJson(series, at));

/** QIDO-RS /instances: instances across studies, each with its study's attributes. */
export const rootInstanceResults = (
  deps: Deps,
  caller: OrganizationReader,
  query: QidoRootInstanceQuery,
  root: string,
) =>
  rootResults(deps, caller, query, root, searchAllInstances, ({ instance }, at) =>
    instanceToDicomJson(instance, at),
  );

/**
 * QIDO-RS at the root (/series, /instances): each result with the attributes of its study, as PS3.18
 * asks there.
 */
async function rootResults<Query extends QidoStudyQuery, Item extends { study: StudyRecord }>(
  deps: Deps,
  caller: OrganizationReader,
  query: Query,
  serviceRoot: string,
  search: (deps: Deps, principal: OrganizationReader, query: Query) => Promise<Page<Item>>,
  toDicomJson: (item: Item, root: string) => DicomJsonDataset,
): Promise<QidoResults> {
  resolveIncludeFields(query.includefield);
  const { items, truncated } = await search(deps, caller, query);
  return {
    results: items.map((item) => ({
      ...studyToDicomJson(item.study, serviceRoot),
      ...toDicomJson(item, serviceRoot),
    })),
    truncated,
    studies: distinct(items.map((item) => item.study.studyInstanceUid)),
    patients: distinct(items.map((item) => item.study.patientId)),
  };
}
