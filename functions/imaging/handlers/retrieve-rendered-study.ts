import { readingHttpHandler } from '../../shared/composition/http-handler';
import { renderedResponse, renderedTargets } from '../http/rendered-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveRenderedStudy,
  renderedTargets('rendered'),
  (input) => renderedResponse(input, 'rendered'),
);
