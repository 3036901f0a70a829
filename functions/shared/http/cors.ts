/**
 * CORS for browser DICOMweb viewers (OHIF and the like): the only routes a browser script on another
 * origin may call. One source for the API Gateway preflight (infra), the local router's preflight and
 * the headers every DICOMweb response carries (http-handler).
 */
export const DICOMWEB_PATH_PREFIX = '/dicomweb/';
export const DICOMWEB_CORS_HEADERS = ['Authorization', 'Content-Type', 'Accept'] as const;
export const DICOMWEB_CORS_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
/** Response headers a viewer's script may read: Warning carries PS3.18 truncation and partial-result notes. */
export const DICOMWEB_EXPOSED_HEADERS = ['Warning', 'Content-Type', 'Content-Length'] as const;
export const PREFLIGHT_MAX_AGE_SECONDS = 3600;

export const isDicomwebPath = (path: string) => path.startsWith(DICOMWEB_PATH_PREFIX);

/**
 * The CORS headers of an actual (non-preflight) response. The caller's origin is echoed only when it is
 * one of the configured origins, never as a wildcard and never with credentials; Vary: Origin is always
 * sent because the answer depends on it.
 */
export function corsResponseHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-expose-headers': DICOMWEB_EXPOSED_HEADERS.join(', '),
  };
}

/** The answer to a preflight (OPTIONS) from an allowed origin; the same as the API Gateway mock integration. */
export function corsPreflightHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-allow-headers': DICOMWEB_CORS_HEADERS.join(','),
    'access-control-allow-methods': DICOMWEB_CORS_METHODS.join(','),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}
