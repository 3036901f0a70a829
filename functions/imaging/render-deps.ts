import { once } from '../shared/once';
import { SharpImageEncoder } from './adapters/sharp-image-encoder';
import { pixelCodecs } from './codec-deps';
import type { RenderDeps } from './core/rendering/ports';
import { retrieveDeps } from './deps';

/**
 * Composition root of rendering, apart from deps.ts so that only the rendering functions load sharp
 * (a native module shipped in their layer) and the codecs' WebAssembly.
 */
export const renderDeps = /* @__PURE__ */ once(
  (): RenderDeps => ({ ...retrieveDeps(), decoder: pixelCodecs().decoder, encoder: new SharpImageEncoder() }),
);
