import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveInstancesResponse } from '../http/retrieve-instances';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveInstance, ({ params, ...input }) =>
  retrieveInstancesResponse({ ...input, scope: params }, 'instance'),
);
