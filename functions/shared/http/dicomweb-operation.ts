import type { DicomwebOperation } from '#schemas/shared/metrics';
import { DICOMWEB_PATH_PREFIX, isDicomwebPath } from './cors';
import type { RouteDefinition } from './route';

/** A path ending in a collection is a search (QIDO-RS): /studies, /studies/{study}/series, … */
const SEARCH_COLLECTIONS = new Set(['studies', 'series', 'instances']);

/**
 * The DICOMweb operation a route performs, from its method and path template (never a concrete URL);
 * null for the JSON API. The metrics dimension that groups latency and errors by kind of work.
 */
export function dicomwebOperationOf(
  route: Pick<RouteDefinition, 'method' | 'path'>,
): DicomwebOperation | null {
  if (!isDicomwebPath(route.path)) return null;
  if (route.path.startsWith(`${DICOMWEB_PATH_PREFIX}upload-sessions`)) return 'upload';
  if (route.method === 'DELETE') return 'delete';
  if (route.method === 'POST') return 'STOW';
  const last = route.path.split('/').at(-1) ?? '';
  if (last === 'rendered' || last === 'thumbnail' || last === 'metadata') return last;
  return SEARCH_COLLECTIONS.has(last) ? 'QIDO' : 'WADO';
}
