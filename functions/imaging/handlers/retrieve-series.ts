import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveSeries, ({ params, ...input }) =>
  retrieveInstancesResponse({ ...input, scope: { study: params.study, series: params.series } }, 'series'),
);
