import { httpHandler } from '../../shared/composition/http-handler';
import { getExport } from '../core/exports';
import { partDownloadResponse } from '../http/part-download';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.downloadExportPart, async (request) => {
  request.audit.objects.push({ type: 'organization', id: request.principal.orgId });
  return partDownloadResponse(request, request.params.exportId, Number(request.params.part), {
    label: 'export',
    find: getExport,
  });
});
