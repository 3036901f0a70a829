import { httpHandler } from '../../shared/composition/http-handler';
import { renderedResponse } from '../http/rendered-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.retrieveStudyThumbnail, (input) =>
  renderedResponse(input, 'thumbnail'),
);
