import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { partDownload } from '../core/exports';
import { exportPartReader, exportsDeps } from '../deps';
import { exportsRoutes } from '../routes';

/**
 * One part leaves PACScribe here: the DICOM Export record is written (by the route, before the response)
 * and only then does the caller get the presigned URL, as a 303 or, when asked for JSON, in the body.
 */
export const handler = httpHandler(
  exportsRoutes.downloadExportPart,
  async ({ principal, params, raw, audit }) => {
    const part = Number(params.part);
    const download = await partDownload(
      { ...exportsDeps(), objects: exportPartReader() },
      principal,
      params.exportId,
      part,
    );
    audit.objects.push({ type: 'organization', id: principal.orgId });
    audit.reason = `part ${part} (${download.sizeBytes} bytes, SHA-256 ${download.sha256}); URL valid ${download.expiresInSeconds} s`;
    if ((raw.header('accept') ?? '').includes('application/json')) return ok(download);
    return { statusCode: 303 as const, headers: { location: download.url } };
  },
);
