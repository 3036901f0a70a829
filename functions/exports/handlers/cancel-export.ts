import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { cancelExport, toExportView } from '../core/exports';
import { exportPartDiscarder, exportsDeps, exportWorkflow } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.cancelExport, async ({ principal, params }) => {
  const deps = { ...exportsDeps(), workflow: exportWorkflow(), objects: exportPartDiscarder() };
  return ok({ export: toExportView(await cancelExport(deps, principal, params.exportId)) });
});
