import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { instanceToDicomJson } from '../core/dicom-json';
import { searchInstances } from '../core/search';
import { imagingIndex } from '../deps';
import { dicomJson, pathUid } from './dicomweb-http';

export const handler = httpHandler(routeById('searchInstances'), async ({ principal, params, audit }) => {
  const study = pathUid(params, 'study');
  const series = pathUid(params, 'series');
  audit.objects.push({ type: 'study', id: study }, { type: 'series', id: series });
  const instances = await searchInstances(
    { index: imagingIndex() },
    requireCustomer(principal),
    study,
    series,
  );
  return dicomJson(instances.map(instanceToDicomJson));
});
