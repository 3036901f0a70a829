import type { AttributeEdits } from '../../imaging/core/attribute-edits';
import type { CurrentEdits, ImagingIndex, StudyRecord } from '../../imaging/core/ports';

/**
 * The plan of an export: every current study of the organization in a stable order (by patient, then
 * date), with its folder names and the instances to write. It is written in chunks to the exports bucket
 * (encrypted, deleted when the export ends), so the workflow's state and checkpoint hold positions only.
 */
export interface PlannedInstance {
  /** Index into the study's series. */
  series: number;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  objectKey: string;
  sha256: string;
  sizeBytes: number;
  instanceNumber: number | null;
  frames: number | null;
  /** Whether it has pixel data to render. */
  image: boolean;
  /** File name inside its series folder, without extension. */
  file: string;
}

export interface PlannedSeries {
  seriesInstanceUid: string;
  folder: string;
}

export interface PlannedStudy {
  studyInstanceUid: string;
  /** `imaging/<patient>/<study>`. */
  folder: string;
  /** The study has attribute edits: files are written as edited, with the stored originals beside them. */
  edited: boolean;
  series: PlannedSeries[];
  instances: PlannedInstance[];
}

export interface PlanChunk {
  studies: PlannedStudy[];
}

/** The first planning step's output: every study, in export order, with its folder. */
export interface StudyOrder {
  studies: { studyInstanceUid: string; folder: string }[];
}

export const STUDIES_PER_CHUNK = 100;
/** Study edit reads in flight while ordering (DynamoDB GetItems). */
const EDIT_READS_IN_FLIGHT = 16;

const UNSAFE = /[\\/:*?"<>|\p{Cc}]+/gu;

/** A folder or file name every unzip tool accepts: no separators or reserved characters, bounded length. */
export function safeName(text: string | null | undefined, fallback: string): string {
  const cleaned = (text ?? '')
    .replace(UNSAFE, ' ')
    .replace(/\^+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 60)
    .trim();
  return cleaned || fallback;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

const editedText = (edits: AttributeEdits, keyword: string, stored: string | null): string | null => {
  const value = edits.study[keyword];
  return value === undefined ? stored : value === null ? null : String(value);
};

const isoDate = (date: string | null) =>
  date && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : null;

/**
 * Orders the organization's studies by patient, then date, and names their folders as the studies read
 * now (edited patient names and descriptions included). Positions make every folder unique.
 */
export async function orderStudies(
  deps: { index: ImagingIndex; edits: CurrentEdits },
  orgId: string,
  /** A study archive's one study; absent, every study of the organization. */
  only?: string,
): Promise<StudyOrder> {
  const studies =
    only === undefined
      ? await deps.index.searchStudies(orgId, {}, Number.MAX_SAFE_INTEGER)
      : [await deps.index.getStudy(orgId, only)].filter((study): study is StudyRecord => study !== null);
  const named: { record: StudyRecord; patientId: string; patientName: string | null; date: string }[] = [];
  // Each study's edits are one read; a few at a time keeps a large organization's plan well inside one step.
  let next = 0;
  const nameStudies = async () => {
    while (next < studies.length) {
      const record = studies[next++] as StudyRecord;
      const edits = await deps.edits.currentEdits(orgId, record.studyInstanceUid);
      named.push({
        record: {
          ...record,
          studyDescription: editedText(edits, 'StudyDescription', record.studyDescription),
        },
        patientId: editedText(edits, 'PatientID', record.patientId) ?? '',
        patientName: editedText(edits, 'PatientName', record.patientName),
        date: editedText(edits, 'StudyDate', record.studyDate) ?? '',
      });
    }
  };
  await Promise.all(Array.from({ length: EDIT_READS_IN_FLIGHT }, nameStudies));
  named.sort(
    (a, b) =>
      a.patientId.localeCompare(b.patientId) ||
      a.date.localeCompare(b.date) ||
      a.record.studyInstanceUid.localeCompare(b.record.studyInstanceUid),
  );
  const patientFolders = new Map<string, string>();
  return {
    studies: named.map((study, position) => {
      let patient = patientFolders.get(study.patientId);
      if (!patient) {
        const label = safeName(study.patientName, 'Unnamed patient');
        const id = safeName(study.patientId, 'no ID');
        patient = `P${pad(patientFolders.size + 1, 5)} ${label} (${id})`;
        patientFolders.set(study.patientId, patient);
      }
      const date = isoDate(study.date) ?? 'undated';
      const description = safeName(study.record.studyDescription, 'study');
      return {
        studyInstanceUid: study.record.studyInstanceUid,
        folder: `imaging/${patient}/S${pad(position + 1, 6)} ${date} ${description}`,
      };
    }),
  };
}

/** Plans one study: its series folders and its instances in series and instance-number order. */
export async function planStudy(
  deps: { index: ImagingIndex; edits: CurrentEdits },
  orgId: string,
  study: { studyInstanceUid: string; folder: string },
): Promise<PlannedStudy | null> {
  const [series, instances, edits] = await Promise.all([
    deps.index.listSeries(orgId, study.studyInstanceUid),
    deps.index.listInstances(orgId, study.studyInstanceUid, null),
    deps.edits.currentEdits(orgId, study.studyInstanceUid),
  ]);
  // Deleted since it was listed: nothing to write.
  if (instances.length === 0) return null;
  series.sort(
    (a, b) =>
      (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) || a.seriesInstanceUid.localeCompare(b.seriesInstanceUid),
  );
  const seriesIndex = new Map(series.map((record, position) => [record.seriesInstanceUid, position]));
  // An instance whose series record is missing still gets a folder.
  for (const instance of instances) {
    if (!seriesIndex.has(instance.seriesInstanceUid)) {
      seriesIndex.set(instance.seriesInstanceUid, series.length);
      series.push({
        studyInstanceUid: study.studyInstanceUid,
        seriesInstanceUid: instance.seriesInstanceUid,
        modality: null,
        seriesNumber: null,
        instanceCount: 0,
      });
    }
  }
  instances.sort(
    (a, b) =>
      (seriesIndex.get(a.seriesInstanceUid) ?? 0) - (seriesIndex.get(b.seriesInstanceUid) ?? 0) ||
      (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) ||
      a.sopInstanceUid.localeCompare(b.sopInstanceUid),
  );
  const positionInSeries = new Map<number, number>();
  return {
    studyInstanceUid: study.studyInstanceUid,
    folder: study.folder,
    edited:
      Object.keys(edits.study).length > 0 ||
      Object.values(edits.series).some((values) => Object.keys(values).length > 0),
    series: series.map((record, position) => ({
      seriesInstanceUid: record.seriesInstanceUid,
      folder: `SE${pad(position + 1, 3)} ${safeName(record.modality, 'OT')}${
        record.seriesNumber === null ? '' : ` ${record.seriesNumber}`
      }`,
    })),
    instances: instances.map((instance) => {
      const seriesPosition = seriesIndex.get(instance.seriesInstanceUid) ?? 0;
      const position = (positionInSeries.get(seriesPosition) ?? 0) + 1;
      positionInSeries.set(seriesPosition, position);
      return {
        series: seriesPosition,
        sopInstanceUid: instance.sopInstanceUid,
        sopClassUid: instance.sopClassUid,
        transferSyntaxUid: instance.transferSyntaxUid,
        objectKey: instance.objectKey,
        sha256: instance.sha256,
        sizeBytes: instance.sizeBytes,
        instanceNumber: instance.instanceNumber,
        frames: instance.frames,
        image: Boolean(instance.rows && instance.columns),
        file: `IM${pad(position, 5)}`,
      };
    }),
  };
}
