import type { SeriesRecord, StoredInstance, StudyRecord } from './ports';

/** PS3.18 F.2 DICOM JSON: an attribute with no value carries only its VR. */
type Attribute = { vr: string; Value?: unknown[] };
export type DicomJsonDataset = Record<string, Attribute>;

const attribute = (vr: string, value: unknown): Attribute =>
  value === null || value === undefined || value === '' ? { vr } : { vr, Value: [value] };
const personName = (value: string | null): Attribute =>
  value ? { vr: 'PN', Value: [{ Alphabetic: value }] } : { vr: 'PN' };
const integerString = (value: number | null): Attribute =>
  value === null ? { vr: 'IS' } : { vr: 'IS', Value: [value] };

/**
 * RetrieveURL (0008,1190): where the WADO-RS resource of a search result lives, under the service root
 * the request came in on (https://host/dicomweb).
 */
const retrieveUrl = (serviceRoot: string, ...path: string[]): Attribute => ({
  vr: 'UR',
  Value: [`${serviceRoot}/${path.join('/')}`],
});

export function studyToDicomJson(study: StudyRecord, serviceRoot: string): DicomJsonDataset {
  return {
    '00081190': retrieveUrl(serviceRoot, 'studies', study.studyInstanceUid),
    '00080020': attribute('DA', study.studyDate),
    '00080030': attribute('TM', study.studyTime),
    '00080050': attribute('SH', study.accessionNumber),
    '00080061': study.modalities.length ? { vr: 'CS', Value: [...study.modalities].sort() } : { vr: 'CS' },
    '00080090': personName(study.referringPhysicianName),
    '00081030': attribute('LO', study.studyDescription),
    '00100010': personName(study.patientName),
    '00100020': attribute('LO', study.patientId),
    '0020000D': attribute('UI', study.studyInstanceUid),
    '00200010': attribute('SH', study.studyId),
    '00201206': integerString(study.seriesCount),
    '00201208': integerString(study.instanceCount),
  };
}

export function seriesToDicomJson(series: SeriesRecord, serviceRoot: string): DicomJsonDataset {
  return {
    '00080060': attribute('CS', series.modality),
    '00081190': retrieveUrl(
      serviceRoot,
      'studies',
      series.studyInstanceUid,
      'series',
      series.seriesInstanceUid,
    ),
    '0020000D': attribute('UI', series.studyInstanceUid),
    '0020000E': attribute('UI', series.seriesInstanceUid),
    '00200011': integerString(series.seriesNumber),
    '00201209': integerString(series.instanceCount),
  };
}

export function instanceToDicomJson(instance: StoredInstance, serviceRoot: string): DicomJsonDataset {
  return {
    '00080016': attribute('UI', instance.sopClassUid),
    '00080018': attribute('UI', instance.sopInstanceUid),
    '00081190': retrieveUrl(
      serviceRoot,
      'studies',
      instance.studyInstanceUid,
      'series',
      instance.seriesInstanceUid,
      'instances',
      instance.sopInstanceUid,
    ),
    '00083002': attribute('UI', instance.transferSyntaxUid),
    '0020000D': attribute('UI', instance.studyInstanceUid),
    '0020000E': attribute('UI', instance.seriesInstanceUid),
    '00200013': integerString(instance.instanceNumber),
    '00280008': integerString(instance.frames),
    '00280010': attribute('US', instance.rows),
    '00280011': attribute('US', instance.columns),
  };
}

/**
 * The PS3.18 store response: ReferencedSOPSequence (with each instance's RetrieveURL when the service
 * root is known) and FailedSOPSequence.
 */
export function storeResponse(
  outcome: {
    referenced: {
      sopClassUid: string;
      sopInstanceUid: string;
      studyInstanceUid?: string;
      seriesInstanceUid?: string;
    }[];
    failed: { sopClassUid: string | null; sopInstanceUid: string | null; failureReason: number }[];
  },
  serviceRoot: string | null = null,
): DicomJsonDataset {
  const response: DicomJsonDataset = {};
  if (outcome.referenced.length) {
    response['00081199'] = {
      vr: 'SQ',
      Value: outcome.referenced.map((item) => ({
        '00081150': attribute('UI', item.sopClassUid),
        '00081155': attribute('UI', item.sopInstanceUid),
        ...(serviceRoot && item.studyInstanceUid && item.seriesInstanceUid
          ? {
              '00081190': retrieveUrl(
                serviceRoot,
                'studies',
                item.studyInstanceUid,
                'series',
                item.seriesInstanceUid,
                'instances',
                item.sopInstanceUid,
              ),
            }
          : {}),
      })),
    };
  }
  if (outcome.failed.length) {
    response['00081198'] = {
      vr: 'SQ',
      Value: outcome.failed.map((item) => ({
        '00081150': attribute('UI', item.sopClassUid),
        '00081155': attribute('UI', item.sopInstanceUid),
        '00081197': { vr: 'US', Value: [item.failureReason] },
      })),
    };
  }
  return response;
}
