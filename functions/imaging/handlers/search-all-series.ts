import { httpHandler } from '../../shared/composition/http-handler';
import { rootSeriesResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.searchAllSeries, async ({ principal, query, raw, audit }) =>
  qidoResponse(await rootSeriesResults(readDeps(), principal, query, serviceRoot(raw)), audit, query),
);
