import { createHash } from 'node:crypto';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { DependencyUnavailableError, NotFoundError } from '../../shared/errors';
import type { ImagingIndex, ObjectStore, StoredInstance } from './ports';

/**
 * WADO-RS retrieval of one instance. The bytes are checked against the SHA-256 recorded at ingest, so a
 * corrupted or substituted object is never served.
 */
export async function retrieveInstance(
  deps: { index: ImagingIndex; objects: ObjectStore },
  principal: CustomerPrincipal,
  ids: { study: string; series: string; instance: string },
): Promise<{ instance: StoredInstance; bytes: Buffer }> {
  const instance = await deps.index.getInstance(principal.orgId, ids.study, ids.series, ids.instance);
  if (!instance) throw new NotFoundError('Instance not found.');
  const bytes = await deps.objects.get(instance.objectKey);
  if (createHash('sha256').update(bytes).digest('hex') !== instance.sha256) {
    throw new DependencyUnavailableError('The stored copy failed its integrity check; it was not served.');
  }
  return { instance, bytes };
}
