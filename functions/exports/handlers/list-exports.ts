import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listExports, toExportView } from '../core/exports';
import { exportsDeps } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.listExports, async ({ principal }) =>
  ok({ exports: (await listExports(exportsDeps(), principal)).map((job) => toExportView(job)) }),
);
