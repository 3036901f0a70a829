import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { restoreDeletedStudy } from '../core/recoverable-deletes';
import { deleteDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.restoreDeletedStudy,
  async ({ principal, params, audit }) => {
    const { patientIds, ...restored } = await restoreDeletedStudy(deleteDeps(), principal, params.study);
    audit.objects.push(...patientIds.map((id) => ({ type: 'patient' as const, id })));
    return ok(restored);
  },
);
