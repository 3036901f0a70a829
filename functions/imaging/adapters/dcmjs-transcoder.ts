import type { Transcoder } from 'dcmjs-codecs';
import { NotAcceptableError } from '../../shared/errors';
import type { Part10Transcoder } from '../core/transcode';
import { type Codecs, codecsReady } from './wasm-frame-decoder';

// Transfer syntax UIDs (PS3.6 Annex A), named as dcmjs-codecs names them; the module itself is loaded on
// the first transcoding, not at init.
const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const JPEG_BASELINE_PROCESS_1 = '1.2.840.10008.1.2.4.50';
const JPEG_LOSSLESS_PROCESS_14_V1 = '1.2.840.10008.1.2.4.70';
const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
const JPEG_LS_LOSSY = '1.2.840.10008.1.2.4.81';
const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
const JPEG_2000_LOSSY = '1.2.840.10008.1.2.4.91';
const HT_JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.201';
const HT_JPEG_2000_LOSSLESS_RPCL = '1.2.840.10008.1.2.4.202';
const HT_JPEG_2000_LOSSY = '1.2.840.10008.1.2.4.203';

/**
 * JPEG Extended and JPEG Lossless Process 14: dcmjs-codecs 0.0.8 has no whole-file codec for them, but
 * the same libjpeg-turbo decodes their frames; the file is rebuilt natively from those, then transcoded.
 */
const FRAME_DECODED_JPEG = new Set(['1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57']);

/** Syntaxes whose files can be decoded: dcmjs-codecs' whole-file codecs, and the two above. */
const DECODED = new Set<string>([
  ...FRAME_DECODED_JPEG,
  IMPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  RLE_LOSSLESS,
  JPEG_BASELINE_PROCESS_1,
  JPEG_LOSSLESS_PROCESS_14_V1,
  JPEG_LS_LOSSLESS,
  JPEG_LS_LOSSY,
  JPEG_2000_LOSSLESS,
  JPEG_2000_LOSSY,
  HT_JPEG_2000_LOSSLESS,
  HT_JPEG_2000_LOSSLESS_RPCL,
  HT_JPEG_2000_LOSSY,
]);

/** Syntaxes offered on retrieval: native little endian and the lossless compressions. */
const ENCODED = new Set<string>([
  IMPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  RLE_LOSSLESS,
  JPEG_LOSSLESS_PROCESS_14_V1,
  JPEG_LS_LOSSLESS,
  JPEG_2000_LOSSLESS,
  HT_JPEG_2000_LOSSLESS,
]);

type Elements = Record<string, unknown> & {
  PixelData?: ArrayBuffer | ArrayBuffer[];
  NumberOfFrames?: number | string;
  Rows?: number;
  Columns?: number;
  BitsAllocated?: number;
  BitsStored?: number;
  SamplesPerPixel?: number;
  PixelRepresentation?: number;
  PlanarConfiguration?: number;
  PhotometricInterpretation?: string;
};

/** A JPEG Extended or Process 14 file as native Explicit VR Little Endian elements, frame by frame. */
function nativeFromJpegFrames({ Context, NativeCodecs, Transcoder }: Codecs, elements: Elements): Transcoder {
  const frames = Array.isArray(elements.PixelData)
    ? elements.PixelData
    : [elements.PixelData ?? new ArrayBuffer(0)];
  // dcmjs hands over one buffer per frame; anything else (fragments) is not guessed at.
  if (frames.length !== Number(elements.NumberOfFrames ?? 1)) {
    throw new Error('the frames cannot be told apart from their fragments');
  }
  const decoded = frames.map((frame) => {
    const context = new Context({
      width: elements.Columns,
      height: elements.Rows,
      bitsAllocated: elements.BitsAllocated,
      bitsStored: elements.BitsStored,
      samplesPerPixel: elements.SamplesPerPixel,
      pixelRepresentation: elements.PixelRepresentation,
      planarConfiguration: elements.PlanarConfiguration ?? 0,
      photometricInterpretation: elements.PhotometricInterpretation,
      encodedBuffer: new Uint8Array(frame),
    });
    return NativeCodecs.decodeJpeg(context, {}).getDecodedBuffer() ?? new Uint8Array(0);
  });
  const pixels = Buffer.concat(decoded);
  const native = pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength);
  return new Transcoder({ ...elements, PixelData: [native] }, EXPLICIT_VR_LITTLE_ENDIAN);
}

/** Whole-file transcoding with dcmjs-codecs (the same WebAssembly codecs rendering decodes with). */
export class DcmjsTranscoder implements Part10Transcoder {
  decodes(transferSyntaxUid: string): boolean {
    return DECODED.has(transferSyntaxUid);
  }

  encodes(transferSyntaxUid: string): boolean {
    return ENCODED.has(transferSyntaxUid);
  }

  async transcode(file: Uint8Array, targetSyntaxUid: string): Promise<Uint8Array> {
    const codecs = await codecsReady();
    try {
      const stored = new codecs.Transcoder(
        file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
      );
      const transcoder = FRAME_DECODED_JPEG.has(stored.getTransferSyntaxUid())
        ? nativeFromJpegFrames(codecs, stored.getElements() as Elements)
        : stored;
      transcoder.transcode(targetSyntaxUid);
      return new Uint8Array(transcoder.getDicomPart10());
    } catch (error) {
      throw new NotAcceptableError(`The instance could not be transcoded: ${(error as Error).message}`);
    }
  }
}
