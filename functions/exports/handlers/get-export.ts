import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getExport, toExportView } from '../core/exports';
import { exportsDeps } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.getExport, async ({ principal, params }) =>
  ok({ export: toExportView(await getExport(exportsDeps(), principal, params.exportId)) }),
);
