/**
 * CORS: which browser origins may call which routes. The web console (appBaseUrl's origin) calls every
 * route; browser DICOMweb viewers (OHIF and the like) only /dicomweb/*. One source for the API Gateway
 * preflights (infra), the local router's preflights and the headers every response carries
 * (http-handler). Never a wildcard, never credentials: the API takes bearer tokens, not cookies.
 */
import { ConsoleCorsEnvSchema, DicomwebCorsEnvSchema } from '#schemas/shared/env';

export const DICOMWEB_PATH_PREFIX = '/dicomweb/';
export const DICOMWEB_CORS_HEADERS = ['Authorization', 'Content-Type', 'Accept'] as const;
export const DICOMWEB_CORS_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
/** Response headers a viewer's script may read: Warning carries PS3.18 truncation and partial-result notes. */
export const DICOMWEB_EXPOSED_HEADERS = ['Warning', 'Content-Type', 'Content-Length'] as const;
/** What the console sends to the rest of the API: a bearer token and JSON. */
export const API_CORS_HEADERS = ['Authorization', 'Content-Type', 'Accept'] as const;
export const API_CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** The console reads Retry-After (429, 503) and shows X-Request-Id with errors, for support. */
export const API_EXPOSED_HEADERS = ['Content-Type', 'Content-Length', 'Retry-After', 'X-Request-Id'] as const;
export const PREFLIGHT_MAX_AGE_SECONDS = 3600;

export const isDicomwebPath = (path: string) => path.startsWith(DICOMWEB_PATH_PREFIX);

/** The configured browser origins (AppConfig.appBaseUrl's origin and dicomwebCorsOrigins). */
export interface CorsOrigins {
  /** The web console's origin: allowed on every route. Absent, no route answers it. */
  console?: string | undefined;
  /** Browser DICOMweb viewers: allowed on /dicomweb/* only. */
  dicomweb: readonly string[];
}

/**
 * The origins as the functions' environment carries them (schemas/shared/env.ts: CONSOLE_ORIGIN on every
 * route function, DICOMWEB_CORS_ORIGINS on DICOMweb ones); the local router reads the same variables.
 */
export function corsOriginsFromEnv(env: Readonly<Record<string, string | undefined>>): CorsOrigins {
  return {
    console: ConsoleCorsEnvSchema.partial().parse(env).CONSOLE_ORIGIN,
    dicomweb: DicomwebCorsEnvSchema.partial().parse(env).DICOMWEB_CORS_ORIGINS ?? [],
  };
}

/** What a browser on an allowed origin may do on one path, and read from the answer. */
export interface CorsRule {
  origins: readonly string[];
  allowHeaders: readonly string[];
  allowMethods: readonly string[];
  exposeHeaders: readonly string[];
}

/**
 * The CORS rule of a path (a route template or a request path): DICOMweb paths keep the viewers' rule and
 * also answer the console; every other path answers the console only.
 */
export function corsRuleFor(path: string, origins: CorsOrigins): CorsRule {
  const consoleOrigin = origins.console ? [origins.console] : [];
  if (isDicomwebPath(path)) {
    return {
      origins: [...new Set([...origins.dicomweb, ...consoleOrigin])],
      allowHeaders: DICOMWEB_CORS_HEADERS,
      allowMethods: DICOMWEB_CORS_METHODS,
      exposeHeaders: DICOMWEB_EXPOSED_HEADERS,
    };
  }
  return {
    origins: consoleOrigin,
    allowHeaders: API_CORS_HEADERS,
    allowMethods: API_CORS_METHODS,
    exposeHeaders: API_EXPOSED_HEADERS,
  };
}

/** Refuses what must never reach a CORS rule: a wildcard, or an origin that is not a bare https origin. */
export function assertExplicitOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    if (origin.includes('*') || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new Error(`CORS origins must be explicit origins without path (no wildcard): ${origin}`);
    }
  }
}

/**
 * The CORS headers of an actual (non-preflight) response. The caller's origin is echoed only when the
 * rule lists it, never as a wildcard and never with credentials; Vary: Origin is always sent because the
 * answer depends on it.
 */
export function corsResponseHeaders(origin: string | undefined, rule: CorsRule): Record<string, string> {
  if (!origin || !rule.origins.includes(origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-expose-headers': rule.exposeHeaders.join(', '),
  };
}

/**
 * Errors API Gateway raises itself (401 from the authorizer, WAF blocks, throttling) cannot echo an origin
 * from a list, so they name the console's origin, the one browser client of every route: the console can
 * then tell an expired token from a network failure. Other origins' browsers see no match, as before.
 */
export function gatewayErrorCorsHeaders(consoleOrigin: string): Record<string, string> {
  return {
    vary: 'Origin',
    'access-control-allow-origin': consoleOrigin,
    'access-control-expose-headers': API_EXPOSED_HEADERS.join(', '),
  };
}

/** The answer to a preflight (OPTIONS) from an allowed origin; the same as the API Gateway mock integration. */
export function corsPreflightHeaders(origin: string | undefined, rule: CorsRule): Record<string, string> {
  if (!origin || !rule.origins.includes(origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-allow-headers': rule.allowHeaders.join(','),
    'access-control-allow-methods': rule.allowMethods.join(','),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}
