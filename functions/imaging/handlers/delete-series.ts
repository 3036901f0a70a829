import { httpHandler } from '../../shared/composition/http-handler';
import { noContent } from '../../shared/http/responses';
import { deleteRecoverably } from '../core/recoverable-deletes';
import { deleteDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.deleteSeries, async ({ principal, params, audit }) => {
  const { patientId } = await deleteRecoverably(deleteDeps(), principal, params.study, {
    scope: 'series',
    series: params.series,
  });
  if (patientId) audit.objects.push({ type: 'patient', id: patientId });
  return noContent();
});
