import { httpHandler } from '../../shared/http/http-handler';
import { routeById } from '../../shared/routes';
import { retrieveInstancesResponse } from './retrieve-instances';

export const handler = httpHandler(routeById('retrieveStudy'), (input) =>
  retrieveInstancesResponse(input, 'study'),
);
