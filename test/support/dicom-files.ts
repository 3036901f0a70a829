import dcmjs from 'dcmjs';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

export interface CtOptions {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  patientId?: string;
  patientName?: string;
  studyDate?: string;
  rows?: number;
  columns?: number;
  transferSyntaxUid?: string;
  extra?: Record<string, unknown>;
}

let counter = 0;
/** A fresh UID under the 2.25 (UUID-derived) root, as real modalities may use. */
export function testUid(): string {
  counter += 1;
  return `2.25.${BigInt(`0x${crypto.randomUUID().replaceAll('-', '')}`).toString()}${counter % 10}`.slice(
    0,
    64,
  );
}

/** A CT image as a modality would send it: Part 10, explicit VR little endian, 16-bit pixels. */
export function ctInstance(options: CtOptions = {}): Buffer {
  const rows = options.rows ?? 32;
  const columns = options.columns ?? 32;
  const sopInstanceUid = options.sopInstanceUid ?? testUid();
  const sopClassUid = '1.2.840.10008.5.1.4.1.1.2';
  const transferSyntaxUid = options.transferSyntaxUid ?? '1.2.840.10008.1.2.1';
  const pixels = new Uint16Array(rows * columns).map((_, index) => (index * 7) % 4096);
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: '1.2.826.0.1.3680043.10.1104',
    ImplementationVersionName: 'PACSCRIBE-TEST',
  };
  const dataset = {
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyInstanceUID: options.studyInstanceUid ?? testUid(),
    SeriesInstanceUID: options.seriesInstanceUid ?? testUid(),
    PatientID: options.patientId ?? 'PID-0001',
    PatientName: options.patientName ?? 'Doe^Jane',
    StudyDate: options.studyDate ?? '20261124',
    StudyTime: '101500',
    AccessionNumber: 'ACC-1',
    Modality: 'CT',
    ReferringPhysicianName: 'House^Gregory',
    StudyDescription: 'CT CHEST',
    StudyID: '1',
    SeriesNumber: '1',
    InstanceNumber: '1',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OW' },
    ...options.extra,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}
