import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { writeReport } from '../core/reports';
import { reportDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.putReport, async ({ principal, params, body, audit }) => {
  audit.reason = body.reason ?? null;
  return ok(await writeReport(reportDeps(), principal, params.study, body));
});
