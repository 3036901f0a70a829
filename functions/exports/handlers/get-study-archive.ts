import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getStudyArchive, toExportView } from '../core/exports';
import { exportsDeps } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.getStudyArchive, async ({ principal, params }) =>
  ok({ export: toExportView(await getStudyArchive(exportsDeps(), principal, params.archiveId)) }),
);
