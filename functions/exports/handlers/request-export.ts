import { httpHandler } from '../../shared/composition/http-handler';
import { requestExport, toExportView } from '../core/exports';
import { exportsDeps, exportWorkflow } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.requestExport, async ({ principal, audit }) => {
  const { job, started } = await requestExport({ ...exportsDeps(), workflow: exportWorkflow() }, principal);
  audit.objects.push({ type: 'organization', id: principal.orgId }, { type: 'export', id: job.exportId });
  audit.reason = started ? 'export of the whole organization started' : 'an export was already running';
  const body = { export: toExportView(job) };
  return started ? { statusCode: 202 as const, body } : { statusCode: 200 as const, body };
});
