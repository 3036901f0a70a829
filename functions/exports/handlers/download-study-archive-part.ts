import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getStudyArchive, partDownload } from '../core/exports';
import { exportPartReader, exportsDeps } from '../deps';
import { exportsRoutes } from '../routes';

/**
 * One part of a study archive leaves PACScribe here: the DICOM Export record is written (by the route,
 * before the response), and only then does the member get the presigned URL.
 */
export const handler = httpHandler(
  exportsRoutes.downloadStudyArchivePart,
  async ({ principal, params, raw, audit }) => {
    const part = Number(params.part);
    const download = await partDownload(
      { ...exportsDeps(), objects: exportPartReader() },
      principal,
      params.exportId,
      part,
      getStudyArchive,
    );
    audit.reason = `study archive part ${part} (${download.sizeBytes} bytes, SHA-256 ${download.sha256}); URL valid ${download.expiresInSeconds} s`;
    if ((raw.header('accept') ?? '').includes('application/json')) return ok(download);
    return { statusCode: 303 as const, headers: { location: download.url } };
  },
);
