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

export interface MultiFrameOptions extends CtOptions {
  /** Native frames of rows × columns 16-bit pixels, this many. */
  frames?: number;
  /**
   * Compressed frames instead: each bitstream stored as one fragment (dcmjs writes the basic offset
   * table), under this transfer syntax. The bytes need not decode; ingest never decodes pixel data.
   */
  bitstreams?: Uint8Array[];
  /** Leave the basic offset table empty (encapsulated only). */
  withoutOffsetTable?: boolean;
}

/** Pixels that differ from frame to frame, so a wrong frame can never pass for the right one. */
export function nativeFrame(rows: number, columns: number, frame: number): Uint8Array {
  const pixels = new Uint16Array(rows * columns).map((_, index) => (index * 13 + frame * 977) % 4096);
  return new Uint8Array(pixels.buffer);
}

/** A fake JPEG bitstream (SOI … EOI) of a given length, distinct per seed. */
export function fakeBitstream(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length).map((_, index) => (index * 31 + seed * 7) % 251);
  bytes.set([0xff, 0xd8], 0);
  bytes.set([0xff, 0xd9], length - 2);
  return bytes;
}

/** A multi-frame image, native or encapsulated, written by dcmjs like any other test file. */
export function multiFrameInstance(options: MultiFrameOptions = {}): Buffer {
  const rows = options.rows ?? 16;
  const columns = options.columns ?? 16;
  if (options.bitstreams) {
    return ctInstance({
      ...options,
      rows,
      columns,
      transferSyntaxUid: options.transferSyntaxUid ?? '1.2.840.10008.1.2.4.50',
      extra: {
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        NumberOfFrames: String(options.bitstreams.length),
        PixelData: options.bitstreams.map((bitstream) => bitstream.slice().buffer),
        _vrMap: { PixelData: 'OB' },
        ...options.extra,
      },
    });
  }
  const frames = options.frames ?? 3;
  const pixels = new Uint8Array(frames * rows * columns * 2);
  for (let frame = 0; frame < frames; frame += 1) {
    pixels.set(nativeFrame(rows, columns, frame), frame * rows * columns * 2);
  }
  return ctInstance({
    ...options,
    rows,
    columns,
    extra: {
      NumberOfFrames: String(frames),
      PixelData: [pixels.buffer],
      _vrMap: { PixelData: 'OW' },
      ...options.extra,
    },
  });
}
