import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveStudy, ({ params, ...input }) =>
  retrieveInstancesResponse({ ...input, scope: { study: params.study } }, 'study'),
);
