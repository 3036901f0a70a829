import { httpHandler } from '../../shared/composition/http-handler';
import { seriesResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.searchSeries,
  async ({ principal, params, query, raw, audit }) => {
    const page = await seriesResults(readDeps(), principal, params.study, query, serviceRoot(raw));
    return qidoResponse(page, audit, {});
  },
);
