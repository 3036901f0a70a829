import { readingHttpHandler } from '../../shared/composition/http-handler';
import { rootSeriesResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.searchAllSeries,
  ({ reader, query, raw }) => rootSeriesResults(readDeps(), reader, query, serviceRoot(raw)),
  async ({ query, audit, read }) => qidoResponse(await read(), audit, query),
);
