import { PayloadTooLargeError } from '../../shared/errors';
import type { OutgoingPart } from './multipart-writer';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './pixel-media-types';
import type { StoredInstance } from './ports';

/** Port: rewrites a whole Part-10 file in another transfer syntax, decoding and encoding its pixel data. */
export interface Part10Transcoder {
  /** Syntaxes whose pixel data can be decoded. */
  decodes(transferSyntaxUid: string): boolean;
  /** Syntaxes files can be written in. */
  encodes(transferSyntaxUid: string): boolean;
  transcode(file: Uint8Array, targetSyntaxUid: string): Promise<Uint8Array>;
}

/** Lossy syntaxes: decompressing them is fine, recompressing them as if lossless is not. */
const LOSSY_SYNTAXES = new Set([
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.203',
]);
const NATIVE_SYNTAXES = new Set([EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN]);

/**
 * Whether a file stored in `from` can be sent in `to`: as stored, decompressed to native little endian,
 * or recompressed into a lossless syntax when nothing was lost before (lossy → lossless is refused: the
 * result would claim a fidelity the pixels no longer have).
 */
export function canTranscode(transcoder: Part10Transcoder, from: string, to: string): boolean {
  if (from === to) return true;
  if (!transcoder.encodes(to)) return false;
  if (!NATIVE_SYNTAXES.has(from) && !transcoder.decodes(from)) return false;
  return NATIVE_SYNTAXES.has(to) || !LOSSY_SYNTAXES.has(from);
}

/**
 * What one transcoded instance may hold: the stored file, its decoded pixels (≤ maxPixels × 6 bytes for
 * three 16-bit samples) and the rewritten file, one instance at a time. Larger instances answer 413
 * (retrieve them as stored) before anything is read.
 */
export const TRANSCODE_LIMITS = {
  maxPixels: 8 * 1024 * 1024,
  maxStoredBytes: 64 * 1024 * 1024,
};

export function withinTranscodeLimits(
  instances: readonly StoredInstance[],
  target: string,
  limits = TRANSCODE_LIMITS,
): void {
  for (const instance of instances) {
    if (instance.transferSyntaxUid === target) continue;
    const pixels = (instance.rows ?? 0) * (instance.columns ?? 0) * (instance.frames ?? 1);
    if (pixels > limits.maxPixels || instance.sizeBytes > limits.maxStoredBytes) {
      throw new PayloadTooLargeError(
        'An instance is too large to transcode on retrieval; ask for it in its stored transfer syntax (transfer-syntax=*).',
      );
    }
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The retrieval step that sends an instance in the negotiated transfer syntax: a part already in it
 * passes through untouched; any other is read whole (after its integrity check), transcoded, and sent
 * labelled with the new syntax. Steps like this one map (part, instance) → part and compose in any order.
 */
export function transcodedTo(transcoder: Part10Transcoder, target: string | null) {
  return (part: OutgoingPart, instance: StoredInstance): OutgoingPart => {
    if (target === null || instance.transferSyntaxUid === target) return part;
    return {
      ...part,
      contentType: `application/dicom; transfer-syntax=${target}`,
      open: async () => {
        const file = await transcoder.transcode(await collect(await part.open()), target);
        return (async function* () {
          yield file;
        })();
      },
    };
  };
}
