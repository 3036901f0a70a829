import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listDeletedStudies } from '../core/recoverable-deletes';
import { deleteDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.listDeletedStudies, async ({ principal, audit }) => {
  const deps = deleteDeps();
  const studies = await listDeletedStudies(deps, principal);
  for (const study of studies) {
    audit.objects.push({ type: 'study', id: study.study });
    if (study.patientId) audit.objects.push({ type: 'patient', id: study.patientId });
  }
  return ok({ studies, retentionDays: deps.retentionDays });
});
