import type { QidoStudyQuery } from '#schemas/imaging/qido';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { ImagingIndex, SeriesRecord, StoredInstance, StudyRecord, StudySearch } from './ports';

/** Reads beyond this many candidate studies per request are cut off and reported as truncated. */
export const MAX_STUDY_CANDIDATES = 5000;

function dateRange(value: string): { from: string; to: string } {
  const [from = '', to = ''] = value.includes('-') ? value.split('-') : [value, value];
  return { from: from || '00000000', to: to || '99999999' };
}

/** DICOM PN matching is case-insensitive here; * and ? are the wildcards (PS3.4 C.2.2.2.4). */
export function patientNameMatcher(pattern: string): (name: string | null) => boolean {
  const expression = pattern
    .toUpperCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  const regex = new RegExp(`^${expression}$`);
  return (name) => name !== null && regex.test(name.toUpperCase());
}

export async function searchStudies(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  query: QidoStudyQuery,
): Promise<{ studies: StudyRecord[]; truncated: boolean }> {
  const search: StudySearch = {
    ...(query.PatientID ? { patientId: query.PatientID } : {}),
    ...(query.StudyInstanceUID ? { studyInstanceUids: query.StudyInstanceUID } : {}),
    ...(query.StudyDate ? { dateRange: dateRange(query.StudyDate) } : {}),
    ...(query.AccessionNumber ? { accessionNumber: query.AccessionNumber } : {}),
    ...(query.PatientName ? { patientNamePattern: query.PatientName } : {}),
    ...(query.ModalitiesInStudy ? { modality: query.ModalitiesInStudy } : {}),
  };
  const wanted = query.offset + query.limit;
  const candidates = await deps.index.searchStudies(
    principal.orgId,
    search,
    Math.min(wanted + 1, MAX_STUDY_CANDIDATES),
  );
  const nameMatches = query.PatientName ? patientNameMatcher(query.PatientName) : () => true;
  const matching = candidates.filter(
    (study) =>
      nameMatches(study.patientName) &&
      (!search.accessionNumber || study.accessionNumber === search.accessionNumber) &&
      (!search.modality || study.modalities.includes(search.modality)),
  );
  return {
    studies: matching.slice(query.offset, wanted),
    truncated: matching.length > wanted || candidates.length >= MAX_STUDY_CANDIDATES,
  };
}

export async function searchSeries(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  study: string,
): Promise<SeriesRecord[]> {
  if (!(await deps.index.getStudy(principal.orgId, study))) throw new NotFoundError('Study not found.');
  return deps.index.listSeries(principal.orgId, study);
}

export async function searchInstances(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  study: string,
  series: string,
): Promise<StoredInstance[]> {
  const instances = await deps.index.listInstances(principal.orgId, study, series);
  if (instances.length === 0) throw new NotFoundError('Series not found.');
  return instances;
}
