import { httpHandler } from '../../shared/composition/http-handler';
import { instanceResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

/** QIDO-RS instances of one series. */
export const handler = httpHandler(
  imagingRoutes.searchInstances,
  async ({ principal, params, query, raw, audit }) => {
    const deps = readDeps();
    const page = await instanceResults(deps, principal, params.study, params.series, query, serviceRoot(raw));
    return qidoResponse(page, audit, {});
  },
);
