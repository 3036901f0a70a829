import type { OrganizationReader } from '../../shared/auth/principal';
import {
  InvalidInputError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../shared/errors';
import { type AttributeEdits, overridesFor } from './attribute-edits';
import { withEditedAttributes } from './edited-part10';
import {
  BULK_DATA_PATH,
  type BulkDataValue,
  PIXEL_DATA_TAG,
  type PixelDataLayout,
  type StoredRange,
} from './instance-layout';
import { type OutgoingPart, prefetchable } from './multipart-writer';
import type { ImagingIndex, ObjectStore, StoredInstance } from './ports';
import { fragmentValues, verifiedContent } from './verified-read';

export interface RetrieveDeps {
  index: ImagingIndex;
  objects: ObjectStore;
}

/** Bounds of one WADO-RS response, checked against the index before anything is read from storage. */
export const RETRIEVE_LIMITS = {
  /** Lambda streams at most 200 MB per response; more is asked for by series, instance or frame. */
  maxResponseBytes: 180 * 1024 * 1024,
  maxInstances: 2000,
  /**
   * Content up to this size is held until verified, so a corrupted copy sends none of its bytes; and a
   * part up to this size may be read ahead of the one being sent (READ_AHEAD_PARTS).
   */
  holdBytes: 4 * 1024 * 1024,
  maxFramesPerRequest: 100,
};
export type RetrieveLimits = typeof RETRIEVE_LIMITS;

export interface InstanceIds {
  study: string;
  series: string;
  instance: string;
}

export const instancePath = (
  instance: Pick<StoredInstance, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>,
) =>
  `/dicomweb/studies/${instance.studyInstanceUid}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}`;

function withinResponseLimit(bytes: number, limits: RetrieveLimits, advice: string): void {
  if (bytes > limits.maxResponseBytes) {
    throw new PayloadTooLargeError(`The content is too large for one response; ${advice}.`);
  }
}

/**
 * The instances of a study, a series or one instance, in series and instance-number order, checked
 * against the response bounds. Foreign and missing UIDs are both simply not found.
 */
export async function instancesToRetrieve(
  deps: RetrieveDeps,
  principal: OrganizationReader,
  scope: { study: string; series?: string; instance?: string },
  limits: RetrieveLimits = RETRIEVE_LIMITS,
): Promise<StoredInstance[]> {
  let instances: StoredInstance[];
  if (scope.series && scope.instance) {
    const one = await deps.index.getInstance(principal.orgId, scope.study, scope.series, scope.instance);
    instances = one ? [one] : [];
  } else {
    instances = await deps.index.listInstances(principal.orgId, scope.study, scope.series ?? null);
  }
  if (instances.length === 0) {
    throw new NotFoundError(
      scope.instance ? 'Instance not found.' : scope.series ? 'Series not found.' : 'Study not found.',
    );
  }
  // The whole study, however large, comes as a prepared archive served from S3 (docs/dicom-conformance.md).
  const advice = scope.series
    ? `retrieve it instance by instance, or the whole study as an archive (POST /v1/studies/${scope.study}/archive)`
    : `retrieve it series by series, or as an archive (POST /v1/studies/${scope.study}/archive)`;
  if (instances.length > limits.maxInstances) {
    throw new PayloadTooLargeError(`The content has too many instances for one response; ${advice}.`);
  }
  withinResponseLimit(
    instances.reduce((total, instance) => total + instance.sizeBytes, 0),
    limits,
    advice,
  );
  return instances.sort(
    (a, b) =>
      a.seriesInstanceUid.localeCompare(b.seriesInstanceUid) ||
      (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) ||
      a.sopInstanceUid.localeCompare(b.sopInstanceUid),
  );
}

/**
 * A step of the retrieval pipeline: an instance's verified stored bytes in, the bytes to send out. Steps
 * run in order on each part (the current attributes of an edited study, a transcoding …).
 */
export type InstanceTransform = (
  instance: StoredInstance,
  bytes: AsyncIterable<Uint8Array>,
) => AsyncIterable<Uint8Array>;

/** The step that makes a retrieved file carry its study's current (edited) attributes. */
export const currentAttributes =
  (edits: AttributeEdits): InstanceTransform =>
  (instance, bytes) =>
    withEditedAttributes(bytes, overridesFor(edits, instance.seriesInstanceUid));

/**
 * One part per instance, each checked against the SHA-256 recorded when it was stored, then passed
 * through the transforms in order.
 */
export function instanceParts(
  deps: RetrieveDeps,
  instances: readonly StoredInstance[],
  limits: RetrieveLimits = RETRIEVE_LIMITS,
  transforms: readonly InstanceTransform[] = [],
): OutgoingPart[] {
  return instances.map((instance) => {
    const object = prefetchable(
      () => deps.objects.read(instance.objectKey),
      instance.sizeBytes,
      limits.holdBytes,
    );
    return {
      contentType: `application/dicom; transfer-syntax=${instance.transferSyntaxUid}`,
      contentLocation: instancePath(instance),
      readAhead: object.readAhead,
      open: async () =>
        transforms.reduce<AsyncIterable<Uint8Array>>(
          (bytes, transform) => transform(instance, bytes),
          verifiedContent(
            await object.take(),
            { kind: 'object', digest: instance.sha256, length: instance.sizeBytes },
            limits.holdBytes,
          ),
        ),
    };
  });
}

const readRange = (deps: RetrieveDeps, instance: StoredInstance, range: StoredRange) =>
  deps.objects.read(instance.objectKey, { start: range.offset, end: range.offset + range.length });

/** The bytes a recorded range yields: a native value as stored, encapsulated items as their values. */
export async function openRange(
  deps: RetrieveDeps,
  instance: StoredInstance,
  range: StoredRange,
  items: boolean,
  limits: RetrieveLimits,
  read: () => Promise<AsyncIterable<Uint8Array>> = () => readRange(deps, instance, range),
): Promise<AsyncIterable<Uint8Array>> {
  const source = await read();
  return verifiedContent(
    items ? fragmentValues(source) : source,
    { kind: 'range', digest: range.digest, length: items ? null : range.length },
    limits.holdBytes,
  );
}

/** A frame list (PS3.18 §10.4.1.1.3): 1-based frame numbers, comma-separated, at most a bounded count. */
export function parseFrameList(text: string, limits: RetrieveLimits = RETRIEVE_LIMITS): number[] {
  const items = text.split(',');
  const invalid = (message: string) =>
    new InvalidInputError('The frame list is invalid.', [{ path: 'frameList', message }]);
  if (items.length > limits.maxFramesPerRequest) {
    throw invalid(`at most ${limits.maxFramesPerRequest} frames per request`);
  }
  return items.map((item) => {
    if (!/^[1-9]\d{0,5}$/.test(item)) throw invalid('frame numbers are positive integers');
    return Number(item);
  });
}

async function instanceWithLayout(deps: RetrieveDeps, principal: OrganizationReader, ids: InstanceIds) {
  const instance = await deps.index.getInstance(principal.orgId, ids.study, ids.series, ids.instance);
  if (!instance) throw new NotFoundError('Instance not found.');
  return instance;
}

export interface FrameSelection {
  instance: StoredInstance;
  pixelData: PixelDataLayout;
  frames: { number: number; range: StoredRange }[];
}

function pixelDataOf(instance: StoredInstance): PixelDataLayout {
  const pixelData = instance.layout?.pixelData;
  if (!pixelData) throw new NotFoundError('The instance has no frames.');
  return pixelData;
}

function framesOf(pixelData: PixelDataLayout): StoredRange[] {
  if (!pixelData.frames) {
    throw new NotAcceptableError(
      'The frames of this instance cannot be separated without decoding; retrieve the whole instance.',
    );
  }
  return pixelData.frames;
}

/** Frames by number; a number beyond the instance's frames is not found. */
export async function framesToRetrieve(
  deps: RetrieveDeps,
  principal: OrganizationReader,
  ids: InstanceIds,
  numbers: readonly number[],
  limits: RetrieveLimits = RETRIEVE_LIMITS,
): Promise<FrameSelection> {
  return selectFrames(await instanceWithLayout(deps, principal, ids), numbers, limits);
}

function selectFrames(
  instance: StoredInstance,
  numbers: readonly number[],
  limits: RetrieveLimits,
): FrameSelection {
  const pixelData = pixelDataOf(instance);
  const all = framesOf(pixelData);
  const frames = numbers.map((number) => {
    const range = all[number - 1];
    if (!range) throw new NotFoundError(`Frame ${number} is out of range (the instance has ${all.length}).`);
    return { number, range };
  });
  withinResponseLimit(
    frames.reduce((total, frame) => total + frame.range.length, 0),
    limits,
    'ask for fewer frames',
  );
  return { instance, pixelData, frames };
}

/** One part per frame: native bytes as stored, or the compressed bitstream without its item headers. */
export function frameParts(
  deps: RetrieveDeps,
  selection: FrameSelection,
  contentType: string,
  limits: RetrieveLimits = RETRIEVE_LIMITS,
): OutgoingPart[] {
  const { instance, pixelData } = selection;
  return selection.frames.map((frame) => {
    const range = prefetchable(
      () => readRange(deps, instance, frame.range),
      frame.range.length,
      limits.holdBytes,
    );
    return {
      contentType,
      contentLocation: `${instancePath(instance)}/frames/${frame.number}`,
      readAhead: range.readAhead,
      open: () => openRange(deps, instance, frame.range, pixelData.encapsulated, limits, range.take),
    };
  });
}

export type BulkDataSelection =
  | { kind: 'value'; instance: StoredInstance; path: string; value: StoredRange }
  | { kind: 'frames'; selection: FrameSelection };

/**
 * A bulk data value by the path its BulkDataURI names. Native pixel data is one value; encapsulated
 * pixel data is served frame by frame, as PS3.18 returns compressed pixel data.
 */
export async function bulkDataToRetrieve(
  deps: RetrieveDeps,
  principal: OrganizationReader,
  ids: InstanceIds,
  path: string,
  limits: RetrieveLimits = RETRIEVE_LIMITS,
): Promise<BulkDataSelection> {
  if (!BULK_DATA_PATH.test(path)) {
    throw new InvalidInputError('The bulk data path is invalid.', [
      { path: 'tagPath', message: 'an attribute tag path such as 7FE00010 or 00540016.0.00181078' },
    ]);
  }
  const instance = await instanceWithLayout(deps, principal, ids);
  if (path === PIXEL_DATA_TAG) {
    const pixelData = pixelDataOf(instance);
    if (pixelData.value) {
      withinResponseLimit(pixelData.value.length, limits, 'retrieve it frame by frame');
      return { kind: 'value', instance, path, value: pixelData.value };
    }
    const numbers = framesOf(pixelData).map((_frame, index) => index + 1);
    return { kind: 'frames', selection: selectFrames(instance, numbers, limits) };
  }
  const value: BulkDataValue | undefined = instance.layout?.bulkData.find(
    (candidate) => candidate.path === path,
  );
  if (!value) throw new NotFoundError('No such bulk data value.');
  withinResponseLimit(value.length, limits, 'retrieve the whole instance');
  return { kind: 'value', instance, path, value };
}

/** The bytes of one bulk data value, checked against its digest. */
export function bulkDataPart(
  deps: RetrieveDeps,
  selection: Extract<BulkDataSelection, { kind: 'value' }>,
  contentType: string,
  limits: RetrieveLimits = RETRIEVE_LIMITS,
): OutgoingPart {
  return {
    contentType,
    contentLocation: `${instancePath(selection.instance)}/bulkdata/${selection.path}`,
    open: () => openRange(deps, selection.instance, selection.value, false, limits),
  };
}
