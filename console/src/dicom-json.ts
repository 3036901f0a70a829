/** Reading DICOM JSON (PS3.18 F.2) as the QIDO-RS answers carry it. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export const TAGS = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyDate: '00080020',
  StudyTime: '00080030',
  StudyDescription: '00081030',
  AccessionNumber: '00080050',
  ReferringPhysicianName: '00080090',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  SeriesDescription: '0008103E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
} as const;

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as people write it: "Family, Given Middle". */
export function personName(value: string): string {
  const [family = '', given = '', middle = ''] = value.split('^');
  const rest = [given, middle].filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}

/** The values of an attribute as text, joined; person names in their alphabetic form, written as people do. */
export function text(item: DicomJson, tag: string): string {
  const values = item[tag]?.Value ?? [];
  return values
    .map((value) =>
      value && typeof value === 'object' && 'Alphabetic' in value
        ? personName(String((value as { Alphabetic?: unknown }).Alphabetic ?? ''))
        : String(value ?? ''),
    )
    .join(', ');
}

export function integer(item: DicomJson, tag: string): number | undefined {
  const value = item[tag]?.Value?.[0];
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** YYYYMMDD as a readable date; other values unchanged. */
export function dicomDate(value: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

/** The date input's YYYY-MM-DD as a QIDO date (YYYYMMDD). */
export const qidoDate = (value: string) => value.replaceAll('-', '');
