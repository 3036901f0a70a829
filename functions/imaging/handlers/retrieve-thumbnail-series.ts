import { httpHandler } from '../../shared/composition/http-handler';
import { renderedResponse } from '../http/rendered-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveSeriesThumbnail, (input) =>
  renderedResponse(input, 'thumbnail'),
);
