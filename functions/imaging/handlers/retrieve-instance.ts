import { readingHttpHandler } from '../../shared/composition/http-handler';
import { instancesToSend, retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveInstance,
  ({ reader, params }) => instancesToSend(reader, params),
  (input) => retrieveInstancesResponse(input, 'instance'),
);
