import { PayloadTooLargeError } from '../../shared/errors';
import type { DicomJsonMetadata } from './metadata';
import type { OutgoingPart } from './multipart-writer';
import type { ImagingIndex, StoredInstance } from './ports';
import { type PixelModule, pixelModuleOf } from './rendering/pixel-module';
import type { FrameDecoder } from './rendering/ports';
import { RENDER_LIMITS, type RenderLimits } from './rendering/render-options';
import type { FrameSelection } from './retrieve';
import { RETRIEVE_LIMITS, type RetrieveLimits } from './retrieve';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The pixel module of the selected instance, checked before any frame is read: each decoded frame within
 * the render bound (one frame is held at a time), all of them within the response bound.
 */
export async function decodedFrameModule(
  index: ImagingIndex,
  selection: FrameSelection,
  limits: RenderLimits = RENDER_LIMITS,
  retrieveLimits: RetrieveLimits = RETRIEVE_LIMITS,
): Promise<PixelModule> {
  const instance: StoredInstance = selection.instance;
  const document = await index.getMetadata(
    instance.orgId,
    instance.studyInstanceUid,
    instance.seriesInstanceUid,
    instance.sopInstanceUid,
  );
  const module = pixelModuleOf(JSON.parse(document ?? '{}') as DicomJsonMetadata);
  const frameBytes = module.rows * module.columns * module.samplesPerPixel * (module.bitsAllocated / 8);
  if (
    frameBytes > limits.maxFrameBytes ||
    frameBytes * selection.frames.length > retrieveLimits.maxResponseBytes
  ) {
    throw new PayloadTooLargeError(
      'The decoded frames are too large for one response; ask for fewer frames, or as stored.',
    );
  }
  return module;
}

/**
 * The retrieval step that sends compressed frames decoded: each part's bitstream (already checked
 * against its digest) is decoded when the response reaches it, and sent as native little endian pixels.
 */
export function decodedFrames(decoder: FrameDecoder, module: PixelModule, transferSyntaxUid: string) {
  return (part: OutgoingPart): OutgoingPart => ({
    ...part,
    open: async () => {
      const frame = await decoder.decode(await collect(await part.open()), module, transferSyntaxUid);
      return (async function* () {
        yield frame.bytes;
      })();
    },
  });
}
