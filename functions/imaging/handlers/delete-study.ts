import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { noContent } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { deleteStudy } from '../core/delete-study';
import { imagingIndex, imagingObjects } from '../deps';
import { pathUid } from './dicomweb-http';

export const handler = httpHandler(routeById('deleteStudy'), async ({ principal, params, audit }) => {
  const study = pathUid(params, 'study');
  audit.objects.push({ type: 'study', id: study });
  const { patientId } = await deleteStudy(
    { index: imagingIndex(), objects: imagingObjects() },
    requireCustomer(principal),
    study,
  );
  if (patientId) audit.objects.push({ type: 'patient', id: patientId });
  return noContent();
});
