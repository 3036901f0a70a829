import { httpHandler } from '../../shared/composition/http-handler';
import { renderedResponse } from '../http/rendered-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveRenderedStudy, (input) =>
  renderedResponse(input, 'rendered'),
);
