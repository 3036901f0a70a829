import { constants, Transcoder } from 'dcmjs-codecs';
import { NotAcceptableError } from '../../shared/errors';
import type { Part10Transcoder } from '../core/transcode';
import { codecsReady } from './wasm-frame-decoder';

const { TransferSyntax } = constants;

/** Syntaxes dcmjs-codecs 0.0.8 reads whole files from (JPEG Extended and Process 14 are not among them). */
const DECODED = new Set<string>([
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
      const transcoder = new Transcoder(
        file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
      );
      transcoder.transcode(targetSyntaxUid);
      return new Uint8Array(transcoder.getDicomPart10());
    } catch (error) {
      throw new NotAcceptableError(`The instance could not be transcoded: ${(error as Error).message}`);
    }
  }
}
