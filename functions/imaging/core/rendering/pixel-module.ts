import { NotAcceptableError } from '../../../shared/errors';
import type { DicomJsonMetadata } from '../metadata';

/** One palette colour lookup table (PS3.3 C.7.6.3.1.5): entries, first mapped value, bits per entry. */
export interface PaletteLut {
  entries: number;
  firstMapped: number;
  bits: number;
  /** Inline data, or the bulk data path to read it from. */
  data: Uint8Array | { bulkDataPath: string };
}

/** The Image Pixel, Modality LUT and VOI LUT attributes rendering depends on (PS3.3 C.7.6.3, C.11). */
export interface PixelModule {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  photometricInterpretation: string;
  planarConfiguration: 0 | 1;
  frames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** The instance's own VOI windows, first first (WindowCenter/WindowWidth pairs). */
  windows: { center: number; width: number }[];
  voiLutFunction: 'linear' | 'linear-exact' | 'sigmoid';
  palette: { red: PaletteLut; green: PaletteLut; blue: PaletteLut } | null;
}

type Attribute = DicomJsonMetadata[string];

const TAGS = {
  samplesPerPixel: '00280002',
  photometricInterpretation: '00280004',
  planarConfiguration: '00280006',
  numberOfFrames: '00280008',
  rows: '00280010',
  columns: '00280011',
  bitsAllocated: '00280100',
  bitsStored: '00280101',
  highBit: '00280102',
  pixelRepresentation: '00280103',
  windowCenter: '00281050',
  windowWidth: '00281051',
  rescaleIntercept: '00281052',
  rescaleSlope: '00281053',
  voiLutFunction: '00281056',
  paletteDescriptors: ['00281101', '00281102', '00281103'],
  paletteData: ['00281201', '00281202', '00281203'],
} as const;

function numbers(attribute: Attribute | undefined): number[] {
  return (attribute?.Value ?? [])
    .map((value) => (typeof value === 'string' ? Number(value.trim()) : value))
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}
const first = (metadata: DicomJsonMetadata, tag: string): number | undefined => numbers(metadata[tag])[0];
const text = (metadata: DicomJsonMetadata, tag: string): string | undefined => {
  const value = metadata[tag]?.Value?.[0];
  return typeof value === 'string' ? value.trim().toUpperCase() : undefined;
};

function voiFunction(metadata: DicomJsonMetadata): PixelModule['voiLutFunction'] {
  const name = text(metadata, TAGS.voiLutFunction);
  if (name === 'LINEAR_EXACT') return 'linear-exact';
  if (name === 'SIGMOID') return 'sigmoid';
  return 'linear';
}

function palette(metadata: DicomJsonMetadata): PixelModule['palette'] {
  const luts = TAGS.paletteDescriptors.map((descriptorTag, index): PaletteLut | null => {
    const [entries, firstMapped, bits] = numbers(metadata[descriptorTag]);
    const dataTag = TAGS.paletteData[index] as string;
    const data = metadata[dataTag];
    if (entries === undefined || firstMapped === undefined || bits === undefined || !data) return null;
    const values = data.InlineBinary
      ? new Uint8Array(Buffer.from(data.InlineBinary, 'base64'))
      : data.BulkDataURI
        ? { bulkDataPath: dataTag.toUpperCase() }
        : null;
    if (!values) return null;
    // PS3.3 C.7.6.3.1.5: 0 entries means 65536; the first mapped value is US or SS per the pixel data.
    return { entries: entries === 0 ? 65536 : entries, firstMapped, bits, data: values };
  });
  const [red, green, blue] = luts;
  return red && green && blue ? { red, green, blue } : null;
}

/**
 * The pixel attributes of an instance, from the DICOM JSON recorded at ingest (ingest already checked
 * rows, columns, bits and frames against the pixel data). Anything rendering cannot interpret is 406.
 */
export function pixelModuleOf(metadata: DicomJsonMetadata): PixelModule {
  const rows = first(metadata, TAGS.rows);
  const columns = first(metadata, TAGS.columns);
  const bitsAllocated = first(metadata, TAGS.bitsAllocated);
  if (!rows || !columns || !bitsAllocated) {
    throw new NotAcceptableError('The instance has no image to render.');
  }
  const bitsStored = first(metadata, TAGS.bitsStored) ?? bitsAllocated;
  const photometricInterpretation = text(metadata, TAGS.photometricInterpretation) ?? 'MONOCHROME2';
  const samplesPerPixel = first(metadata, TAGS.samplesPerPixel) ?? 1;
  if (![8, 16, 32].includes(bitsAllocated) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new NotAcceptableError(`Pixels of ${bitsAllocated} allocated bits cannot be rendered.`);
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new NotAcceptableError(`Images of ${samplesPerPixel} samples per pixel cannot be rendered.`);
  }
  const centers = numbers(metadata[TAGS.windowCenter]);
  const widths = numbers(metadata[TAGS.windowWidth]);
  const windows = centers
    .map((center, index) => ({ center, width: widths[index] ?? Number.NaN }))
    .filter((window) => Number.isFinite(window.width) && window.width > 0);
  const slope = first(metadata, TAGS.rescaleSlope);
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit: first(metadata, TAGS.highBit) ?? bitsStored - 1,
    signed: first(metadata, TAGS.pixelRepresentation) === 1,
    photometricInterpretation,
    planarConfiguration: first(metadata, TAGS.planarConfiguration) === 1 ? 1 : 0,
    frames: Math.max(1, first(metadata, TAGS.numberOfFrames) ?? 1),
    rescaleSlope: slope === undefined || slope === 0 ? 1 : slope,
    rescaleIntercept: first(metadata, TAGS.rescaleIntercept) ?? 0,
    windows,
    voiLutFunction: voiFunction(metadata),
    palette: photometricInterpretation === 'PALETTE COLOR' ? palette(metadata) : null,
  };
}
