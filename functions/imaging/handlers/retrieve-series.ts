import { readingHttpHandler } from '../../shared/composition/http-handler';
import { instancesToSend, retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveSeries,
  ({ reader, params }) => instancesToSend(reader, { study: params.study, series: params.series }),
  (input) => retrieveInstancesResponse(input, 'series'),
);
