import type { OrganizationReader } from '../../../shared/auth/principal';
import {
  InvalidInputError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../../shared/errors';
import type { DicomJsonMetadata } from '../metadata';
import type { OutgoingPart } from '../multipart-writer';
import type { StoredInstance } from '../ports';
import { instancePath, openRange, RETRIEVE_LIMITS, type RetrieveLimits } from '../retrieve';
import { displayForViewport, type ResolvedPalette, resolveLut } from './display-pixels';
import { type PaletteLut, type PixelModule, pixelModuleOf } from './pixel-module';
import type { RenderDeps } from './ports';
import { RENDER_LIMITS, type RenderLimits, type RenderOptions } from './render-options';

const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

/** One frame to render: the instance and its 1-based frame number. */
export interface RenderTarget {
  instance: StoredInstance;
  frame: number;
  /** The instance's DICOM JSON, when it was read beside the instance (renderTargets for one instance). */
  metadata?: string;
}

export type RenderScope =
  | { level: 'study'; study: string }
  | { level: 'series'; study: string; series: string }
  | { level: 'instance'; study: string; series: string; instance: string }
  | { level: 'frames'; study: string; series: string; instance: string; frames: readonly number[] };

const isImage = (instance: StoredInstance) => Boolean(instance.rows && instance.columns);

/**
 * The frames a rendered or thumbnail request returns (PS3.18 §9.4, §9.5): every image instance of a study
 * or series (its first frame), an instance's first frame, or the listed frames. `representative` keeps
 * only the first (thumbnails). Nothing beyond these frames is ever read.
 */
export async function renderTargets(
  deps: RenderDeps,
  principal: OrganizationReader,
  scope: RenderScope,
  representative: boolean,
  limits: RenderLimits = RENDER_LIMITS,
): Promise<RenderTarget[]> {
  if (scope.level === 'study' || scope.level === 'series') {
    const series = scope.level === 'series' ? scope.series : null;
    const instances = (await deps.index.listInstances(principal.orgId, scope.study, series)).sort(
      (a, b) =>
        a.seriesInstanceUid.localeCompare(b.seriesInstanceUid) ||
        (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) ||
        a.sopInstanceUid.localeCompare(b.sopInstanceUid),
    );
    if (instances.length === 0) throw new NotFoundError(series ? 'Series not found.' : 'Study not found.');
    const images = instances.filter(isImage);
    if (images.length === 0) throw new NotAcceptableError('No instance here has an image to render.');
    const chosen = representative ? images.slice(0, 1) : images;
    if (chosen.length > limits.maxInstances) {
      throw new PayloadTooLargeError(
        `At most ${limits.maxInstances} instances are rendered per request; render it series by series or instance by instance.`,
      );
    }
    return chosen.map((instance) => ({ instance, frame: 1 }));
  }
  // The record and its DICOM JSON in one round trip: rendering needs both.
  const [instance, metadata] = await Promise.all([
    deps.index.getInstance(principal.orgId, scope.study, scope.series, scope.instance),
    deps.index.getMetadata(principal.orgId, scope.study, scope.series, scope.instance),
  ]);
  if (!instance || metadata === null) throw new NotFoundError('Instance not found.');
  if (!isImage(instance)) throw new NotAcceptableError('The instance has no image to render.');
  const numbers = scope.level === 'frames' ? scope.frames : [1];
  const count = instance.frames ?? 1;
  for (const number of numbers) {
    if (number > count)
      throw new NotFoundError(`Frame ${number} is out of range (the instance has ${count}).`);
  }
  return (representative ? numbers.slice(0, 1) : numbers).map((frame) => ({ instance, frame, metadata }));
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

/** Checked before anything is read: the frame's decoded size and pixel count against the render bounds. */
function withinRenderLimits(module: PixelModule, limits: RenderLimits): void {
  const pixels = module.rows * module.columns;
  const bytes = pixels * module.samplesPerPixel * (module.bitsAllocated / 8);
  if (pixels > limits.maxFramePixels || bytes > limits.maxFrameBytes) {
    throw new PayloadTooLargeError(
      `A ${module.columns}×${module.rows} frame is larger than PACScribe renders (${limits.maxFrameBytes / 1024 / 1024} MiB decoded); retrieve it as DICOM.`,
    );
  }
}

async function resolvePalette(
  deps: RenderDeps,
  instance: StoredInstance,
  palette: NonNullable<PixelModule['palette']>,
  retrieveLimits: RetrieveLimits,
): Promise<ResolvedPalette> {
  const littleEndian = instance.transferSyntaxUid !== EXPLICIT_VR_BIG_ENDIAN;
  const resolve = async (lut: PaletteLut) => {
    if (lut.data instanceof Uint8Array) return resolveLut(lut, lut.data, littleEndian);
    const path = lut.data.bulkDataPath;
    const value = instance.layout?.bulkData.find((candidate) => candidate.path === path);
    if (!value || value.length > 2 * 65536)
      throw new NotAcceptableError('The palette of this instance is not stored.');
    return resolveLut(
      lut,
      await collect(await openRange(deps, instance, value, false, retrieveLimits)),
      littleEndian,
    );
  };
  return {
    red: await resolve(palette.red),
    green: await resolve(palette.green),
    blue: await resolve(palette.blue),
  };
}

/**
 * Renders one frame: reads its recorded byte range (checked against its digest), decodes it when
 * compressed, maps it to 8-bit display values and encodes it. Memory: see RENDER_LIMITS.
 */
export async function renderFrame(
  deps: RenderDeps,
  target: RenderTarget,
  options: RenderOptions,
  limits: RenderLimits = RENDER_LIMITS,
  retrieveLimits: RetrieveLimits = RETRIEVE_LIMITS,
): Promise<Uint8Array> {
  const listed = target.instance;
  const ids = [
    listed.orgId,
    listed.studyInstanceUid,
    listed.seriesInstanceUid,
    listed.sopInstanceUid,
  ] as const;
  // Listings carry no layout; the single-instance lookup does. Both reads, when needed, go together.
  const [instance, document] = await Promise.all([
    listed.layout ? listed : deps.index.getInstance(...ids),
    target.metadata ?? deps.index.getMetadata(...ids),
  ]);
  if (!instance || !document) throw new NotFoundError('Instance not found.');
  const module = pixelModuleOf(JSON.parse(document) as DicomJsonMetadata);
  withinRenderLimits(module, limits);
  const region = options.viewport?.region;
  if (region && (region.left + region.width > module.columns || region.top + region.height > module.rows)) {
    throw new InvalidInputError('The viewport parameter is invalid.', [
      { path: 'viewport', message: `the region must lie inside the ${module.columns}×${module.rows} image` },
    ]);
  }
  const pixelData = instance.layout?.pixelData;
  const range = pixelData?.frames?.[target.frame - 1];
  if (!pixelData || !range) {
    throw new NotAcceptableError(
      'The frames of this instance cannot be separated for rendering; retrieve it as DICOM.',
    );
  }
  // A compressed frame larger than its decoded size is not a frame PACScribe renders either.
  if (range.length > limits.maxFrameBytes) {
    throw new PayloadTooLargeError('The frame is larger than PACScribe renders; retrieve it as DICOM.');
  }
  const syntax = instance.transferSyntaxUid;
  const stored = await collect(
    await openRange(deps, instance, range, pixelData.encapsulated, retrieveLimits),
  );
  let decoded: Awaited<ReturnType<RenderDeps['decoder']['decode']>>;
  if (pixelData.encapsulated) {
    if (!deps.decoder.decodes(syntax)) {
      throw new NotAcceptableError(`Frames in transfer syntax ${syntax} cannot be rendered.`);
    }
    decoded = await deps.decoder.decode(stored, module, syntax);
  } else {
    decoded = {
      bytes: stored,
      littleEndian: syntax !== EXPLICIT_VR_BIG_ENDIAN,
      photometricInterpretation: module.photometricInterpretation,
      planarConfiguration: module.planarConfiguration,
    };
  }
  const palette = module.palette
    ? await resolvePalette(deps, instance, module.palette, retrieveLimits)
    : null;
  if (module.photometricInterpretation === 'PALETTE COLOR' && !palette) {
    throw new NotAcceptableError('The palette of this instance is incomplete.');
  }
  return deps.encoder.encode(
    displayForViewport(module, decoded, options.window, palette, options.viewport),
    options,
  );
}

/** One part per target, each rendered only when the response reaches it. */
export function renderedParts(
  deps: RenderDeps,
  targets: readonly RenderTarget[],
  options: RenderOptions,
  limits: RenderLimits = RENDER_LIMITS,
): OutgoingPart[] {
  return targets.map((target) => ({
    contentType: options.mediaType,
    contentLocation: `${instancePath(target.instance)}/frames/${target.frame}/rendered`,
    open: async () => {
      const image = await renderFrame(deps, target, options, limits);
      return (async function* () {
        yield image;
      })();
    },
  }));
}
