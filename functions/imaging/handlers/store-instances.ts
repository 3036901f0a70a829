import { httpHandler } from '../../shared/composition/http-handler';
import { storeFromRequest } from '../http/store-request';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.storeInstances, (input) => storeFromRequest(input, null));
