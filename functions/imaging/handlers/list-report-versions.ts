import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listReportVersions } from '../core/reports';
import { reportDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.listReportVersions, async ({ principal, params }) =>
  ok(await listReportVersions(reportDeps(), principal, params.study)),
);
