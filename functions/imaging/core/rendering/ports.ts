import type { RetrieveDeps } from '../retrieve';
import type { DecodedFrame, DisplayImage } from './display-pixels';
import type { PixelModule } from './pixel-module';
import type { RenderOptions } from './render-options';

/** Port: decodes one compressed frame (the fragments of one frame, item headers stripped). */
export interface FrameDecoder {
  /** Whether frames of this transfer syntax can be decoded. */
  decodes(transferSyntaxUid: string): boolean;
  decode(encoded: Uint8Array, module: PixelModule, transferSyntaxUid: string): Promise<DecodedFrame>;
}

/** Port: scales an 8-bit raster to the viewport and encodes it as PNG or JPEG. */
export interface ImageEncoder {
  encode(
    image: DisplayImage,
    options: Pick<RenderOptions, 'mediaType' | 'quality' | 'viewport'>,
  ): Promise<Uint8Array>;
}

export interface RenderDeps extends RetrieveDeps {
  decoder: FrameDecoder;
  encoder: ImageEncoder;
}
