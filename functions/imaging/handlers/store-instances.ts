import { httpHandler } from '../../shared/http/http-handler';
import { routeById } from '../../shared/routes';
import { storeFromRequest } from './store-request';

export const handler = httpHandler(routeById('storeInstances'), (input) => storeFromRequest(input, null));
