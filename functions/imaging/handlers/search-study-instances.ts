import { readingHttpHandler } from '../../shared/composition/http-handler';
import { instanceResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.searchStudyInstances,
  ({ reader, params, query, raw }) =>
    instanceResults(readDeps(), reader, params.study, null, query, serviceRoot(raw)),
  async ({ audit, read }) => qidoResponse(await read(), audit, {}),
);
