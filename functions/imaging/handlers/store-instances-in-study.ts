import { httpHandler } from '../../shared/composition/http-handler';
import { storeFromRequest } from '../http/store-request';
import { imagingRoutes } from '../routes';

/** Instances of any other study than the one in the path fail. */
export const handler = httpHandler(imagingRoutes.storeInstancesInStudy, (input) =>
  storeFromRequest(input, input.params.study),
);
