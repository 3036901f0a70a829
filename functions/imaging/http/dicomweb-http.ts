import { DICOM_JSON_MEDIA_TYPE } from '#schemas/imaging/dicom-json';
import type { RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';

export const dicomJson = (
  body: unknown,
  statusCode = 200,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  body,
  headers: { 'content-type': DICOM_JSON_MEDIA_TYPE, ...headers },
});

/** DICOM JSON serialized at ingest, sent as is rather than parsed and serialized again. */
export const serializedDicomJson = (json: string): HttpResult => ({
  statusCode: 200,
  file: { contentType: DICOM_JSON_MEDIA_TYPE, content: json },
});

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * The DICOMweb service root as the client reached it, for RetrieveURL. API Gateway only routes requests
 * whose Host is the API's own domain; a malformed Host falls back to a relative root.
 */
export function serviceRoot(raw: RawRequest): string {
  const host = raw.header('host');
  return host && HOST.test(host) ? `https://${host}/dicomweb` : '/dicomweb';
}

/**
 * Stored metadata names bulk data by path (/dicomweb/…); answered with the absolute URL under the service
 * root the client used, so viewers on another origin (OHIF) and dicomweb-client can follow it as is.
 */
export function withAbsoluteBulkDataUris(json: string, root: string): string {
  return root.startsWith('https://')
    ? json.replaceAll('"BulkDataURI":"/dicomweb/', `"BulkDataURI":"${root}/`)
    : json;
}
