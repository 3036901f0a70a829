import type { DisplayImage } from '../core/rendering/display-pixels';
import type { ImageEncoder } from '../core/rendering/ports';
import type { RenderOptions } from '../core/rendering/render-options';

/** PNG and JPEG with sharp (libvips): crop, scale to fit the viewport, encode. */
export class SharpImageEncoder implements ImageEncoder {
  async encode(
    image: DisplayImage,
    options: Pick<RenderOptions, 'mediaType' | 'quality' | 'viewport'>,
  ): Promise<Uint8Array> {
    // Loaded by the first render rather than at init (libvips takes a while to load).
    const { default: sharp } = await import('sharp');
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
