import { httpHandler } from '../../shared/http/http-handler';
import { routeById } from '../../shared/routes';
import { pathUid } from './dicomweb-http';
import { storeFromRequest } from './store-request';

export const handler = httpHandler(routeById('storeInstancesInStudy'), (input) =>
  storeFromRequest(input, pathUid(input.params, 'study')),
);
