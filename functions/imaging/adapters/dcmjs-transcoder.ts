import { Context, constants, NativeCodecs, Transcoder } from 'dcmjs-codecs';
import { NotAcceptableError } from '../../shared/errors';
import type { Part10Transcoder } from '../core/transcode';
import { codecsReady } from './wasm-frame-decoder';

const { TransferSyntax } = constants;

/**
 * JPEG Extended and JPEG Lossless Process 14: dcmjs-codecs 0.0.8 has no whole-file codec for them, but
 * the same libjpeg-turbo decodes their frames; the file is rebuilt natively from those, then transcoded.
 */
const FRAME_DECODED_JPEG = new Set(['1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57']);

/** Syntaxes whose files can be decoded: dcmjs-codecs' whole-file codecs, and the two above. */
const DECODED = new Set<string>([
  ...FRAME_DECODED_JPEG,
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.RleLossless,
  TransferSyntax.JpegBaselineProcess1,
  TransferSyntax.JpegLosslessProcess14V1,
  TransferSyntax.JpegLsLossless,
  TransferSyntax.JpegLsLossy,
  TransferSyntax.Jpeg2000Lossless,
  TransferSyntax.Jpeg2000Lossy,
  TransferSyntax.HtJpeg2000Lossless,
  TransferSyntax.HtJpeg2000LosslessRpcl,
  TransferSyntax.HtJpeg2000Lossy,
]);

/** Syntaxes offered on retrieval: native little endian and the lossless compressions. */
const ENCODED = new Set<string>([
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.RleLossless,
  TransferSyntax.JpegLosslessProcess14V1,
  TransferSyntax.JpegLsLossless,
  TransferSyntax.Jpeg2000Lossless,
  TransferSyntax.HtJpeg2000Lossless,
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
function nativeFromJpegFrames(elements: Elements): Transcoder {
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
  return new Transcoder({ ...elements, PixelData: [native] }, TransferSyntax.ExplicitVRLittleEndian);
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
    await codecsReady();
    try {
      const stored = new Transcoder(
        file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
      );
      const transcoder = FRAME_DECODED_JPEG.has(stored.getTransferSyntaxUid())
        ? nativeFromJpegFrames(stored.getElements() as Elements)
        : stored;
      transcoder.transcode(targetSyntaxUid);
      return new Uint8Array(transcoder.getDicomPart10());
    } catch (error) {
      throw new NotAcceptableError(`The instance could not be transcoded: ${(error as Error).message}`);
    }
  }
}
