import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import { ok } from '../../shared/http/responses';
import { type getExport, partDownload } from '../core/exports';
import { exportPartReader, exportsDeps } from '../deps';

/**
 * One part leaves PACScribe here: the route writes the DICOM Export record before the response, and only
 * then does the caller get the presigned URL, as a 303 or, when asked for JSON, in the body.
 */
export async function partDownloadResponse(
  request: { principal: CustomerPrincipal; raw: RawRequest; audit: AuditNotes },
  exportId: string,
  part: number,
  what: { label: string; find: typeof getExport },
) {
  const download = await partDownload(
    { ...exportsDeps(), objects: exportPartReader() },
    request.principal,
    exportId,
    part,
    what.find,
  );
  request.audit.reason = `${what.label} part ${part} (${download.sizeBytes} bytes, SHA-256 ${download.sha256}); URL valid ${download.expiresInSeconds} s`;
  if ((request.raw.header('accept') ?? '').includes('application/json')) return ok(download);
  return { statusCode: 303 as const, headers: { location: download.url } };
}
