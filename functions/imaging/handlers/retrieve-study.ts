import { readingHttpHandler } from '../../shared/composition/http-handler';
import { instancesToSend, retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveStudy,
  ({ reader, params }) => instancesToSend(reader, { study: params.study }),
  (input) => retrieveInstancesResponse(input, 'study'),
);
