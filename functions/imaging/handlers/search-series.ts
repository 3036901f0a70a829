import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { seriesToDicomJson } from '../core/dicom-json';
import { searchSeries } from '../core/search';
import { imagingIndex } from '../deps';
import { dicomJson, pathUid } from './dicomweb-http';

export const handler = httpHandler(routeById('searchSeries'), async ({ principal, params, audit }) => {
  const study = pathUid(params, 'study');
  audit.objects.push({ type: 'study', id: study });
  const series = await searchSeries({ index: imagingIndex() }, requireCustomer(principal), study);
  return dicomJson(series.map(seriesToDicomJson));
});
