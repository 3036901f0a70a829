import { readingHttpHandler } from '../../shared/composition/http-handler';
import { seriesResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.searchSeries,
  ({ reader, params, query, raw }) =>
    seriesResults(readDeps(), reader, params.study, query, serviceRoot(raw)),
  async ({ audit, read }) => qidoResponse(await read(), audit, {}),
);
