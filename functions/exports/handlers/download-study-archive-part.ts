import { httpHandler } from '../../shared/composition/http-handler';
import { getStudyArchive } from '../core/exports';
import { partDownloadResponse } from '../http/part-download';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(exportsRoutes.downloadStudyArchivePart, async (request) =>
  partDownloadResponse(request, request.params.archiveId, Number(request.params.part), {
    label: 'study archive',
    find: getStudyArchive,
  }),
);
