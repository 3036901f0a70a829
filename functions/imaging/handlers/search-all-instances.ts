import { readingHttpHandler } from '../../shared/composition/http-handler';
import { rootInstanceResults } from '../core/qido-results';
import { readDeps } from '../deps';
import { serviceRoot } from '../http/dicomweb-http';
import { qidoResponse } from '../http/qido-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.searchAllInstances,
  ({ reader, query, raw }) => rootInstanceResults(readDeps(), reader, query, serviceRoot(raw)),
  async ({ query, audit, read }) => qidoResponse(await read(), audit, query),
);
