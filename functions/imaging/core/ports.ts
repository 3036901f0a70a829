import type { AttributeEdits } from './attribute-edits';
import type { InstanceLayout } from './instance-layout';
import type { ParsedInstance } from './part10';

export interface StoredInstance {
  orgId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  objectKey: string;
  sha256: string;
  sizeBytes: number;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  storedAt: string;
  /** Filled by the index from the parsed file (absent on records older than retrieval by range). */
  patientId?: string | null;
  /** Frame and bulk data locations; read by the single-instance lookups, not by listings. */
  layout?: InstanceLayout | null;
}

export interface StudyRecord {
  studyInstanceUid: string;
  patientId: string | null;
  patientName: string | null;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  referringPhysicianName: string | null;
  studyDescription: string | null;
  studyId: string | null;
  modalities: string[];
  seriesCount: number;
  instanceCount: number;
}

export interface SeriesRecord {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  instanceCount: number;
}

/** What the index matches by key (PatientID, dates, UIDs); every other study key is matched in the core. */
export interface StudySearch {
  patientId?: string;
  studyInstanceUids?: string[];
  dateRange?: { from: string; to: string };
  /**
   * What every matching PatientName begins with (a pattern's upper-cased text before its first wildcard):
   * the index may read only such names. The studies it yields must still be matched against the pattern.
   */
  patientNameStart?: string;
}

/** What the index holds about an instance about to be stored: see ImagingIndex.storeContext. */
export interface StoreContext {
  existing: StoredInstance | null;
  study: StudyRecord | null;
  seriesExists: boolean;
}

/** Port: the QIDO-shaped index. Every call is scoped to one organization by key, never by filter alone. */
export interface ImagingIndex {
  /**
   * Indexes a new instance and updates its study and series; 'exists' if that SOP Instance UID is already
   * indexed; 'patient-mismatch' (nothing written) if the study already names another patient
   * (patientKey), checked in the same write so concurrent first instances cannot disagree.
   * `seriesIsNew`, when the caller has read it (seriesExists), saves the first attempt that read; the
   * write still makes it a condition, so a stale answer costs a retry, never a wrong count.
   */
  addInstance(
    instance: StoredInstance,
    parsed: ParsedInstance,
    metadata: string,
    seriesIsNew?: boolean,
  ): Promise<'added' | 'exists' | 'patient-mismatch'>;
  /** Whether the organization's study has this series (a strongly consistent read). */
  seriesExists(orgId: string, study: string, series: string): Promise<boolean>;
  /**
   * What storing an instance must know first, in one strongly consistent read: the instance already
   * indexed under this SOP Instance UID (a resend), the study it would join, and whether its series exists.
   */
  storeContext(orgId: string, study: string, series: string, sop: string): Promise<StoreContext>;
  /** DICOM JSON of the instances of a study, or of one series, in one read of the index. */
  listMetadata(orgId: string, study: string, series: string | null): Promise<string[]>;
  /** DICOM JSON of one instance, or null when the organization has no such instance. */
  getMetadata(orgId: string, study: string, series: string, sop: string): Promise<string | null>;
  getInstance(orgId: string, study: string, series: string, sop: string): Promise<StoredInstance | null>;
  findInstance(orgId: string, study: string, sop: string): Promise<StoredInstance | null>;
  getStudy(orgId: string, study: string): Promise<StudyRecord | null>;
  searchStudies(orgId: string, search: StudySearch, maxResults: number): Promise<StudyRecord[]>;
  /**
   * The studies a search may match, read a page at a time as the caller iterates them (the first page
   * holds firstPage, later ones more): a caller that stops early reads no further.
   */
  findStudies(orgId: string, search: StudySearch, firstPage: number): AsyncIterable<StudyRecord>;
  listSeries(orgId: string, study: string): Promise<SeriesRecord[]>;
  /** The instances of one series, or of the whole study when series is null. */
  listInstances(orgId: string, study: string, series: string | null): Promise<StoredInstance[]>;
}

/** Port: object storage for Part-10 files, under server-generated keys. */
export interface ObjectStore {
  put(key: string, body: Buffer, sha256Base64: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The object's bytes as they arrive, or only [start, end) of them; never buffered whole. */
  read(key: string, range?: { start: number; end: number }): Promise<AsyncIterable<Uint8Array>>;
  delete(key: string): Promise<void>;
}

/** Port: a study's current attribute edits, which every read applies (none for a study never edited). */
export interface CurrentEdits {
  currentEdits(orgId: string, study: string): Promise<AttributeEdits>;
}
