import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { readReport } from '../core/reports';
import { reportDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.getReport, async ({ principal, params }) =>
  ok(await readReport(reportDeps(), principal, params.study)),
);
