import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Context } from 'dcmjs-codecs';
import { NotAcceptableError } from '../../shared/errors';
import type { DecodedFrame } from '../core/rendering/display-pixels';
import type { PixelModule } from '../core/rendering/pixel-module';
import type { FrameDecoder } from '../core/rendering/ports';

type Decode = 'decodeRle' | 'decodeJpeg' | 'decodeJpegLs' | 'decodeJpeg2000' | 'decodeHtJpeg2000';

/**
 * Which dcmjs-codecs decoder reads each compressed transfer syntax. Its one WebAssembly module holds
 * libjpeg-turbo (8, 12 and 16 bits: baseline, extended and lossless JPEG), CharLS, OpenJPEG and OpenJPH.
 */
const DECODERS: Readonly<Record<string, Decode>> = {
  '1.2.840.10008.1.2.5': 'decodeRle',
  '1.2.840.10008.1.2.4.50': 'decodeJpeg',
  '1.2.840.10008.1.2.4.51': 'decodeJpeg',
  '1.2.840.10008.1.2.4.57': 'decodeJpeg',
  '1.2.840.10008.1.2.4.70': 'decodeJpeg',
  '1.2.840.10008.1.2.4.80': 'decodeJpegLs',
  '1.2.840.10008.1.2.4.81': 'decodeJpegLs',
  '1.2.840.10008.1.2.4.90': 'decodeJpeg2000',
  '1.2.840.10008.1.2.4.91': 'decodeJpeg2000',
  '1.2.840.10008.1.2.4.201': 'decodeHtJpeg2000',
  '1.2.840.10008.1.2.4.202': 'decodeHtJpeg2000',
  '1.2.840.10008.1.2.4.203': 'decodeHtJpeg2000',
};

export const CODECS_WASM_FILE = 'dcmjs-native-codecs.wasm';

/**
 * The codecs' WebAssembly: beside the bundle in Lambda (CDK copies it there, see
 * infra/imaging/image-rendering-runtime.ts), else in the installed package (tests, local stack).
 */
function wasmPath(): string {
  const besideBundle = path.join(__dirname, CODECS_WASM_FILE);
  if (existsSync(besideBundle)) return besideBundle;
  return path.join(path.dirname(require.resolve('dcmjs-codecs')), CODECS_WASM_FILE);
}

export type Codecs = typeof import('dcmjs-codecs');

let initialized: Promise<Codecs> | undefined;
/**
 * Loads dcmjs-codecs and its WebAssembly once per process, on the first frame to decode or file to
 * transcode, not at init: a request served in its stored transfer syntax never needs them.
 */
export function codecsReady(): Promise<Codecs> {
  initialized ??= (async () => {
    const codecs: Codecs = await import('dcmjs-codecs');
    await codecs.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasmPath() });
    return codecs;
  })().catch((error) => {
    initialized = undefined;
    throw error;
  });
  return initialized;
}

/** Frame decoding with dcmjs-codecs (PS3.5 Annex A.4 bitstreams, one frame at a time). */
export class WasmFrameDecoder implements FrameDecoder {
  decodes(transferSyntaxUid: string): boolean {
    return transferSyntaxUid in DECODERS;
  }

  async decode(encoded: Uint8Array, module: PixelModule, transferSyntaxUid: string): Promise<DecodedFrame> {
    const method = DECODERS[transferSyntaxUid];
    if (!method)
      throw new NotAcceptableError(`Frames in transfer syntax ${transferSyntaxUid} cannot be decoded.`);
    const { Context, NativeCodecs } = await codecsReady();
    const context = new Context({
      width: module.columns,
      height: module.rows,
      bitsAllocated: module.bitsAllocated,
      bitsStored: module.bitsStored,
      samplesPerPixel: module.samplesPerPixel,
      pixelRepresentation: module.signed ? 1 : 0,
      planarConfiguration: module.planarConfiguration,
      photometricInterpretation: module.photometricInterpretation,
      encodedBuffer: encoded,
    });
    const jpeg = method === 'decodeJpeg';
    let result: Context;
    try {
      // JPEG bitstreams of YBR images are turned into RGB by libjpeg itself, upsampling 4:2:2 chroma.
      result = NativeCodecs[method](context, jpeg ? { convertColorspaceToRgb: true } : {});
    } catch (error) {
      throw new NotAcceptableError(`The frame could not be decoded: ${(error as Error).message}`);
    }
    const bytes = result.getDecodedBuffer();
    const expected = module.rows * module.columns * module.samplesPerPixel * (module.bitsAllocated / 8);
    if (!bytes || bytes.length < expected) {
      throw new NotAcceptableError('The frame decoded to fewer pixels than the instance declares.');
    }
    const j2k = method === 'decodeJpeg2000' || method === 'decodeHtJpeg2000';
    const reversedTransform = ['YBR_ICT', 'YBR_RCT'].includes(module.photometricInterpretation);
    return {
      bytes,
      littleEndian: true,
      // libjpeg converts YBR to RGB (asked to, above); OpenJPEG and OpenJPH undo the ICT/RCT transforms.
      photometricInterpretation:
        module.samplesPerPixel === 3 && (jpeg || (j2k && reversedTransform))
          ? 'RGB'
          : module.photometricInterpretation,
      planarConfiguration: result.getPlanarConfiguration() === 1 ? 1 : 0,
    };
  }
}
