import { httpHandler } from '../../shared/composition/http-handler';
import { instanceResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

/** QIDO-RS instances of a whole study. */
export const handler = httpHandler(
  imagingRoutes.searchStudyInstances,
  async ({ principal, params, query, raw, audit }) => {
    const deps = readDeps();
    const page = await instanceResults(deps, principal, params.study, null, query, serviceRoot(raw));
    return qidoResponse(page, audit, {});
  },
);
