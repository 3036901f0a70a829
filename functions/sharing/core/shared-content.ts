import type { ImagingIndex, SeriesRecord, StoredInstance } from '../../imaging/core/ports';
import { RETRIEVE_LIMITS } from '../../imaging/core/retrieve';
import { NotFoundError, PayloadTooLargeError } from '../../shared/errors';
import type { ShareRecord } from './ports';

/** What a share lets its recipient reach: its study's series it names, nothing else, read-only. */
export type SharedIndex = Pick<ImagingIndex, 'listSeries' | 'listInstances' | 'getMetadata'>;

export interface SharedSeries {
  /** 1-based position: the viewer and the download name series by position, never by UID. */
  position: number;
  series: SeriesRecord;
}

const BURNED_IN_ANNOTATION = '00280301';

/** The shared series of the study, in series-number order; a share naming none of them shows nothing. */
export async function sharedSeries(index: SharedIndex, share: ShareRecord): Promise<SharedSeries[]> {
  const named = share.seriesInstanceUids ? new Set(share.seriesInstanceUids) : null;
  const all = await index.listSeries(share.orgId, share.studyInstanceUid);
  return all
    .filter((series) => named === null || named.has(series.seriesInstanceUid))
    .sort(
      (a, b) =>
        (a.seriesNumber ?? Number.MAX_SAFE_INTEGER) - (b.seriesNumber ?? Number.MAX_SAFE_INTEGER) ||
        a.seriesInstanceUid.localeCompare(b.seriesInstanceUid),
    )
    .map((series, index) => ({ position: index + 1, series }));
}

export async function sharedSeriesAt(
  index: SharedIndex,
  share: ShareRecord,
  position: number,
): Promise<SharedSeries> {
  const found = (await sharedSeries(index, share)).find((entry) => entry.position === position);
  if (!found) throw new NotFoundError('No such series in this share.');
  return found;
}

const byInstanceOrder = (a: StoredInstance, b: StoredInstance) =>
  (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.sopInstanceUid.localeCompare(b.sopInstanceUid);

/** The images (instances with pixel data) of one shared series, in instance-number order. */
export async function sharedImages(
  index: SharedIndex,
  share: ShareRecord,
  series: SeriesRecord,
): Promise<StoredInstance[]> {
  const instances = await index.listInstances(share.orgId, share.studyInstanceUid, series.seriesInstanceUid);
  return instances.filter((instance) => Boolean(instance.rows && instance.columns)).sort(byInstanceOrder);
}

/**
 * One image of a shared series by position. A de-identified share withholds instances that declare
 * burned-in annotation: the Basic Profile's Clean Pixel Data option is not applied (docs/sharing.md).
 */
export async function sharedImageAt(
  index: SharedIndex,
  share: ShareRecord,
  seriesPosition: number,
  imagePosition: number,
): Promise<{ series: SharedSeries; instance: StoredInstance; count: number }> {
  const series = await sharedSeriesAt(index, share, seriesPosition);
  const images = await sharedImages(index, share, series.series);
  const instance = images[imagePosition - 1];
  if (!instance) throw new NotFoundError('No such image in this share.');
  if (share.deidentify && (await declaresBurnedInText(index, instance))) {
    throw new NotFoundError('This image may carry burned-in identifying text and is not shown.');
  }
  return { series, instance, count: images.length };
}

export async function declaresBurnedInText(index: SharedIndex, instance: StoredInstance): Promise<boolean> {
  const document = await index.getMetadata(
    instance.orgId,
    instance.studyInstanceUid,
    instance.seriesInstanceUid,
    instance.sopInstanceUid,
  );
  if (!document) return true;
  const element = (JSON.parse(document) as Record<string, { Value?: unknown[] }>)[BURNED_IN_ANNOTATION];
  const value = element?.Value?.[0];
  return typeof value === 'string' && value.trim().toUpperCase() === 'YES';
}

/**
 * The original files a download share sends: every instance of its series (or of one, by position),
 * within the bounds of one streamed response.
 */
export async function sharedFiles(
  index: SharedIndex,
  share: ShareRecord,
  seriesPosition: number | undefined,
  maxBytes: number = RETRIEVE_LIMITS.maxResponseBytes,
): Promise<StoredInstance[]> {
  const series =
    seriesPosition === undefined
      ? await sharedSeries(index, share)
      : [await sharedSeriesAt(index, share, seriesPosition)];
  if (series.length === 0) throw new NotFoundError('Nothing in this share can be downloaded.');
  const files: StoredInstance[] = [];
  for (const entry of series) {
    const instances = await index.listInstances(
      share.orgId,
      share.studyInstanceUid,
      entry.series.seriesInstanceUid,
    );
    files.push(...instances.sort(byInstanceOrder));
  }
  const total = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  if (total > maxBytes || files.length > RETRIEVE_LIMITS.maxInstances) {
    throw new PayloadTooLargeError(
      'The shared study is too large for one download; download it series by series.',
    );
  }
  if (share.deidentify) {
    const withheld = await Promise.all(files.map((file) => declaresBurnedInText(index, file)));
    return files.filter((_, position) => !withheld[position]);
  }
  return files;
}
