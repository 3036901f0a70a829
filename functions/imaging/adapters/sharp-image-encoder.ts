import { once } from '../../shared/once';
import type { DisplayImage } from '../core/rendering/display-pixels';
import type { ImageEncoder } from '../core/rendering/ports';
import type { RenderOptions } from '../core/rendering/render-options';

/**
 * sharp, loaded by the first render rather than at init (libvips takes a while to load), and only once:
 * each dynamic import in the bundle copies the module's exports into a new namespace object.
 */
const loadSharp = /* @__PURE__ */ once(async () => (await import('sharp')).default);

/** PNG and JPEG with sharp (libvips): crop, scale to fit the viewport, encode. */
export class SharpImageEncoder implements ImageEncoder {
  async encode(
    image: DisplayImage,
    options: Pick<RenderOptions, 'mediaType' | 'quality' | 'viewport'>,
  ): Promise<Uint8Array> {
    const sharp = await loadSharp();
    let pipeline = sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    });
    const viewport = options.viewport;
    if (viewport) {
      if (viewport.region) pipeline = pipeline.extract(viewport.region);
      pipeline = pipeline.resize(viewport.width, viewport.height, { fit: 'inside' });
    }
    // Grey stays one channel: sharp would otherwise write sRGB.
    if (image.channels === 1) pipeline = pipeline.toColourspace('b-w');
    pipeline =
      options.mediaType === 'image/png'
        ? pipeline.png()
        : pipeline.jpeg({ quality: options.quality, chromaSubsampling: '4:4:4' });
    return pipeline.toBuffer();
  }
}
