import { SharpImageEncoder } from '../../functions/imaging/adapters/sharp-image-encoder';
import { displayForViewport } from '../../functions/imaging/core/rendering/display-pixels';
import type { PixelModule } from '../../functions/imaging/core/rendering/pixel-module';
import type { RenderOptions } from '../../functions/imaging/core/rendering/render-options';

export type ImageRenderer = (frame: Uint8Array, options: RenderOptions) => Promise<Uint8Array>;

/**
 * What PACScribe's rendering does with a native greyscale frame once it has its bytes: the display
 * mapping and the image encoder PACScribe's rendering functions use. The gateway ceiling's server loads
 * this module bundled as the stack bundles its handlers (gateway-ceiling.ts), so both run the same code
 * the same way.
 */
export function imageRenderer(module: PixelModule): ImageRenderer {
  const encoder = new SharpImageEncoder();
  return (frame, options) =>
    encoder.encode(
      displayForViewport(
        module,
        {
          bytes: frame,
          // PACScribe refuses big-endian files at ingest, so native frames are little-endian words.
          littleEndian: true,
          photometricInterpretation: module.photometricInterpretation,
          planarConfiguration: module.planarConfiguration,
        },
        options.window,
        null,
        options.viewport,
      ),
      options,
    );
}
