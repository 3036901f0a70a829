import { httpHandler } from '../../shared/composition/http-handler';
import { noContent } from '../../shared/http/responses';
import { deleteStudy } from '../core/delete-study';
import { imagingIndex, imagingObjects } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.deleteStudy, async ({ principal, params, audit }) => {
  const deps = { index: imagingIndex(), objects: imagingObjects() };
  const { patientId } = await deleteStudy(deps, principal, params.study);
  if (patientId) audit.objects.push({ type: 'patient', id: patientId });
  return noContent();
});
