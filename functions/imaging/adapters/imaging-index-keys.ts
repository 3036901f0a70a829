/**
 * Every key of the imaging index (table: infra/data/table-definitions.ts). One partition per study and
 * organization, so the same Study Instance UID in two organizations never meets:
 *   ORG#<orgId>#STUDY#<studyUid> / STUDY                          study attributes and counters
 *   ORG#<orgId>#STUDY#<studyUid> / SERIES#<seriesUid>             series attributes and counter
 *   ORG#<orgId>#STUDY#<studyUid> / SOP#<sopUid>                   instance and its layout, found by SOP UID alone
 *   ORG#<orgId>#STUDY#<studyUid> / INSTANCE#<seriesUid>#<sopUid>  instance and its DICOM JSON metadata
 *   ORG#<orgId>#STUDY#<studyUid> / VERSION#<n, 10 digits>         one edit or revert of the study's attributes
 *   ORG#<orgId>#STUDY#<studyUid> / REPORT, REPORT#VERSION#<n>      the radiology report and each of its versions
 *   ORG#<orgId>#DELETIONS / <studyUid>#<deletionId>               a recoverable deletion (gsi1: PURGE, by due time)
 *   ORG#<orgId>#DELETED#<studyUid> / <deletionId>#<original sk>   the index items a deletion took away
 *   gsi1 = ORG#<orgId>#STUDIES / <StudyDate>#<studyUid>           listing and date ranges
 *   gsi2 = ORG#<orgId>#PATIENT#<PatientID> / <StudyDate>#<studyUid>   PatientID matching
 *   gsi3 = ORG#<orgId>#NAMES / <PATIENT NAME, upper case, ≤ 64 characters>#<studyUid>   PatientName prefixes
 * These strings are stored: changing one orphans every item written before it.
 */

export type ItemKey = { pk: string; sk: string };

export const studyPartition = (orgId: string, study: string) => `ORG#${orgId}#STUDY#${study}`;

export const STUDY_SORT_KEY = 'STUDY';
export const SERIES_PREFIX = 'SERIES#';
export const seriesSortKey = (series: string) => `${SERIES_PREFIX}${series}`;
export const sopSortKey = (sop: string) => `SOP#${sop}`;
const INSTANCE_PREFIX = 'INSTANCE#';
export const instanceSortKey = (series: string, sop: string) => `${INSTANCE_PREFIX}${series}#${sop}`;
/** The INSTANCE# items of one series, or of the whole study when series is null. */
export const instancePrefix = (series: string | null) =>
  series ? `${INSTANCE_PREFIX}${series}#` : INSTANCE_PREFIX;

export const VERSION_PREFIX = 'VERSION#';
export const versionSortKey = (version: number) => `${VERSION_PREFIX}${String(version).padStart(10, '0')}`;
export const REPORT_SORT_KEY = 'REPORT';
export const REPORT_VERSION_PREFIX = 'REPORT#VERSION#';
export const reportVersionSortKey = (version: number) =>
  `${REPORT_VERSION_PREFIX}${String(version).padStart(10, '0')}`;

export const deletionsPartition = (orgId: string) => `ORG#${orgId}#DELETIONS`;
export const deletionSortKey = (study: string, deletionId: string) => `${study}#${deletionId}`;
export const deletedItemsPartition = (orgId: string, study: string) => `ORG#${orgId}#DELETED#${study}`;
/** Deletions by the time they may be purged, across organizations (gsi1, a partition of its own). */
export const PURGE_INDEX_PARTITION = 'PURGE';

export const studyKey = (orgId: string, study: string): ItemKey => ({
  pk: studyPartition(orgId, study),
  sk: STUDY_SORT_KEY,
});
export const seriesKey = (orgId: string, study: string, series: string): ItemKey => ({
  pk: studyPartition(orgId, study),
  sk: seriesSortKey(series),
});
export const sopKey = (orgId: string, study: string, sop: string): ItemKey => ({
  pk: studyPartition(orgId, study),
  sk: sopSortKey(sop),
});
export const instanceKey = (orgId: string, study: string, series: string, sop: string): ItemKey => ({
  pk: studyPartition(orgId, study),
  sk: instanceSortKey(series, sop),
});

export const STUDIES_INDEX = 'gsi1';
export const PATIENT_INDEX = 'gsi2';
export const NAME_INDEX = 'gsi3';
export const studiesIndexPartition = (orgId: string) => `ORG#${orgId}#STUDIES`;
export const patientIndexPartition = (orgId: string, patientId: string) =>
  `ORG#${orgId}#PATIENT#${patientId}`;

export const namesIndexPartition = (orgId: string) => `ORG#${orgId}#NAMES`;

/**
 * How much of a name the name index keeps: 64 characters (PN's length per component group), at most 256
 * bytes of UTF-8, well inside DynamoDB's 1,024-byte limit on an index sort key whatever a file holds.
 */
export const NAME_KEY_CHARACTERS = 64;
/**
 * A name, or the literal start of a name pattern, as the name index compares it: upper case (QIDO's PN
 * matching ignores case), cut to NAME_KEY_CHARACTERS code points. Upper-casing maps each character on its
 * own, so the key of a pattern's literal start is a prefix of the key of every name the pattern matches.
 */
export const nameIndexKey = (name: string) =>
  Array.from(name.toUpperCase()).slice(0, NAME_KEY_CHARACTERS).join('');
/** The sort key of a study in the name index. */
export const nameSortKey = (patientName: string, study: string) => `${nameIndexKey(patientName)}#${study}`;

/** Studies without a usable StudyDate (DA, YYYYMMDD) sort first, under this date. */
export const NO_STUDY_DATE = '00000000';
export const indexedStudyDate = (studyDate: string | null) =>
  studyDate && /^\d{8}$/.test(studyDate) ? studyDate : NO_STUDY_DATE;
/** The sort key of a study in both indexes. */
export const studyDateSortKey = (studyDate: string | null, study: string) =>
  `${indexedStudyDate(studyDate)}#${study}`;
/** Bounds on gsi1sk/gsi2sk for StudyDate from … to, both inclusive: every UID sorts below `#~`. */
export const studyDateRange = (range: { from: string; to: string }) => ({
  from: range.from,
  to: `${range.to}#~`,
});
