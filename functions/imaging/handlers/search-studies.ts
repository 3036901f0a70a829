import { httpHandler } from '../../shared/composition/http-handler';
import { studyResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.searchStudies, async ({ principal, query, raw, audit }) => {
  const page = await studyResults(readDeps(), principal, query, serviceRoot(raw));
  return qidoResponse(page, audit, query);
});
