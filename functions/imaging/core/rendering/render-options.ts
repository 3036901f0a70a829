import type { RenderedQuery } from '#schemas/imaging/rendered';
import { InvalidInputError } from '../../../shared/errors';

export type VoiFunction = 'linear' | 'linear-exact' | 'sigmoid';
export interface VoiWindow {
  center: number;
  width: number;
  function: VoiFunction;
}
export interface Viewport {
  width: number;
  height: number;
  /** The source region cut out before scaling (PS3.18 §8.3.5.1.3: sx,sy,sw,sh). */
  region: { left: number; top: number; width: number; height: number } | null;
}
export type RenderedMediaType = 'image/jpeg' | 'image/png';

export interface RenderOptions {
  mediaType: RenderedMediaType;
  quality: number;
  viewport: Viewport | null;
  window: VoiWindow | null;
}

/**
 * What one render may hold, checked before anything is read or allocated. A frame is decoded, mapped
 * to 8 bits and encoded one at a time, so a render holds at most: the encoded frame (≤ maxFrameBytes),
 * its decoded copy in the codec's heap and in JS (≤ 2 × maxFrameBytes), the 8-bit image
 * (≤ maxFramePixels × 3) and the scaled output (≤ maxViewport² × 3): under 300 MiB whatever the file
 * size or frame count, as frames beyond those returned are never read.
 */
export const RENDER_LIMITS = {
  /** 4096 × 4096 RGB at 8 bits, or 4096 × 2048 at 16 bits: larger frames are 413. */
  maxFrameBytes: 48 * 1024 * 1024,
  /** 5792² pixels: the mammography and whole-slide tiles PACScribe stores stay well inside. */
  maxFramePixels: 32 * 1024 * 1024,
  /** Largest viewport side; a larger request is 400 rather than a huge allocation. */
  maxViewport: 4096,
  /** Instances rendered by one study or series request. */
  maxInstances: 100,
  /** Thumbnails fit inside this square unless a viewport says otherwise. */
  thumbnailSize: 128,
  defaultQuality: 90,
};
export type RenderLimits = typeof RENDER_LIMITS;

const invalid = (path: string, message: string) =>
  new InvalidInputError(`The ${path} parameter is invalid.`, [{ path, message }]);

function parseWindow(text: string | undefined): VoiWindow | null {
  if (text === undefined) return null;
  const [center, width, name] = text.split(',');
  const fn = (name ?? '').toLowerCase().replace('_', '-') as VoiFunction;
  const window = { center: Number(center), width: Number(width), function: fn };
  if (!Number.isFinite(window.center) || !Number.isFinite(window.width)) {
    throw invalid('window', 'center and width are numbers');
  }
  // PS3.3 C.11.2.1.2: a linear window is at least 1 wide; linear-exact and sigmoid only above 0.
  if (window.function === 'linear' ? window.width < 1 : window.width <= 0) {
    throw invalid('window', `the width must be ${window.function === 'linear' ? 'at least 1' : 'above 0'}`);
  }
  return window;
}

function parseViewport(text: string | undefined, limits: RenderLimits): Viewport | null {
  if (text === undefined) return null;
  const [vw = 0, vh = 0, ...region] = text.split(',').map(Number);
  if (vw < 1 || vh < 1 || vw > limits.maxViewport || vh > limits.maxViewport) {
    throw invalid('viewport', `vw and vh are from 1 to ${limits.maxViewport}`);
  }
  if (region.length === 0) return { width: vw, height: vh, region: null };
  const [left = 0, top = 0, width = 0, height = 0] = region;
  // Negative sw/sh (flips) are not offered; the region must be whole pixels inside the image.
  if (![left, top, width, height].every(Number.isInteger) || left < 0 || top < 0 || width < 1 || height < 1) {
    throw invalid('viewport', 'sx,sy are whole pixels from 0 and sw,sh whole pixels from 1');
  }
  return { width: vw, height: vh, region: { left, top, width, height } };
}

/** The request's rendering parameters, checked beyond their shape (which the schema checked). */
export function renderOptions(
  query: RenderedQuery,
  mediaType: RenderedMediaType,
  limits: RenderLimits = RENDER_LIMITS,
): RenderOptions {
  return {
    mediaType,
    quality: query.quality === undefined ? limits.defaultQuality : Number(query.quality),
    viewport: parseViewport(query.viewport, limits),
    window: parseWindow(query.window),
  };
}

/** Thumbnails: the request's parameters, with a small viewport unless it names one. */
export function thumbnailOptions(
  options: RenderOptions,
  limits: RenderLimits = RENDER_LIMITS,
): RenderOptions {
  return options.viewport
    ? options
    : { ...options, viewport: { width: limits.thumbnailSize, height: limits.thumbnailSize, region: null } };
}
