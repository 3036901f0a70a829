import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { ImagingIndex, ObjectStore } from './ports';

/** Objects are deleted a few at a time: a study of thousands of instances finishes well inside the timeout. */
const PARALLEL_DELETES = 8;

/**
 * Deletes a study: its stored objects first, then its index entries, study item last. A delete cut short
 * leaves the study findable, so repeating the request finishes it; no index entry ever outlives the
 * object it points to.
 */
export async function deleteStudy(
  deps: { index: ImagingIndex; objects: ObjectStore },
  principal: CustomerPrincipal,
  study: string,
): Promise<{ patientId: string | null; instances: number }> {
  const record = await deps.index.getStudy(principal.orgId, study);
  if (!record) throw new NotFoundError('Study not found.');
  const instances = await deps.index.listInstances(principal.orgId, study, null);
  for (let start = 0; start < instances.length; start += PARALLEL_DELETES) {
    await Promise.all(
      instances
        .slice(start, start + PARALLEL_DELETES)
        .map((instance) => deps.objects.delete(instance.objectKey)),
    );
  }
  await deps.index.deleteStudy(principal.orgId, study);
  return { patientId: record.patientId, instances: instances.length };
}
