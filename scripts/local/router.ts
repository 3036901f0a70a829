import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TokenVerifier } from '../../functions/shared/auth/token-verifier';
import { corsOriginsFromEnv, corsPreflightHeaders, corsRuleFor } from '../../functions/shared/http/cors';
import { functionTimeoutSeconds, type RouteDefinition } from '../../functions/shared/http/route';
import { routes } from '../../functions/shared/routes';
import { RETRY_AFTER_SECONDS } from '../../infra/api/capacity-model';
import {
  RATE_LIMITED_BODY,
  SIGNUP_RATE_LIMIT,
  UNSUBSCRIBE_RATE_LIMIT,
} from '../../infra/api/public-rate-limit';
import { ACCESS_TOKEN_SCOPE } from '../../infra/api/route-environment';
import { RECORD_HEADER, TRACE_HEADER, tracedInvocation } from './aws-call-trace';
import { lambdaContext, loadHandler } from './lambda-registry';
import { HttpResponseSink, isStreamingHandler } from './lambda-streaming';

/** Pages that exist only locally, never in AWS: answered before the route table is consulted. */
export type LocalPages = (
  method: string,
  url: URL,
  body: Buffer,
  headers: IncomingMessage['headers'],
) => Promise<APIGatewayProxyResult>;
/** The Stripe fake's hosted Checkout and portal pages. */
export const LOCAL_PAGES_PREFIX = '/local-stripe/';

/** Local pages mounted at path prefixes: a prefix ending in `/` holds a folder, otherwise one path and those below it. */
export interface LocalPagesMount {
  prefixes: readonly string[];
  pages: LocalPages;
}

export function mountedPages(mounts: readonly LocalPagesMount[], pathname: string): LocalPages | undefined {
  const under = (prefix: string) =>
    prefix.endsWith('/')
      ? pathname.startsWith(prefix)
      : pathname === prefix || pathname.startsWith(`${prefix}/`);
  return mounts.find((mount) => mount.prefixes.some(under))?.pages;
}

/** API Gateway's payload ceiling: larger bodies never reach a function. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').map((segment) => {
    const parameter = /^\{(\w+)\}$/.exec(segment);
    if (!parameter?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(parameter[1]);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${segments.join('/')}$`), names };
}

/** A percent-encoded path segment, or null when its escapes are malformed (e.g. `%zz`, a cut UTF-8). */
function decodedPathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The space-separated `scope` claim of a JWT whose signature has been verified. */
function scopesOf(token: string): string[] {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    scope?: unknown;
  };
  return typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
}

function gatewayError(
  status: number,
  code: string,
  message: string,
  requestId: string,
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
    body: JSON.stringify({ error: { code, message, requestId } }),
  };
}

/** The sign-up rate limit as the local stack applies it; `exemptIps` are named explicitly (test runners). */
export interface LocalRateLimit {
  limit: number;
  exemptIps: readonly string[];
}

/**
 * From the environment: PACSCRIBE_LOCAL_SIGNUP_RATE_LIMIT (default: the WAF's, 10 per 5 minutes) and
 * PACSCRIBE_LOCAL_RATE_LIMIT_EXEMPT_IPS (comma-separated; the integration setup exempts 127.0.0.1, from
 * which its suites sign up many organizations, and tests the limit from another loopback address).
 */
export function localRateLimit(env: Readonly<Record<string, string | undefined>>): LocalRateLimit {
  const limit = Number(env.PACSCRIBE_LOCAL_SIGNUP_RATE_LIMIT ?? SIGNUP_RATE_LIMIT.defaultLimit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error('PACSCRIBE_LOCAL_SIGNUP_RATE_LIMIT: a positive integer');
  const exemptIps = (env.PACSCRIBE_LOCAL_RATE_LIMIT_EXEMPT_IPS ?? '')
    .split(',')
    .map((ip) => ip.trim())
    .filter(Boolean);
  return { limit, exemptIps };
}

/**
 * The WAF's SignupRateLimitPerIp rule (infra/api/api-firewall.ts), locally: per source IP, requests
 * whose path contains the sign-up fragment, counted in a fixed window; past the limit, 429 rate_limited.
 */
export function signupRateLimiter(
  { limit, exemptIps }: LocalRateLimit,
  now: () => number = Date.now,
  scope: { pathFragment: string; windowSeconds: number } = SIGNUP_RATE_LIMIT,
) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return (sourceIp: string, pathname: string): boolean => {
    if (exemptIps.includes(sourceIp)) return true;
    let path: string;
    try {
      path = decodeURIComponent(pathname).toLowerCase();
    } catch {
      path = pathname.toLowerCase();
    }
    if (!path.includes(scope.pathFragment)) return true;
    const at = now();
    const current = windows.get(sourceIp);
    const window =
      current && at - current.startedAt < scope.windowSeconds * 1000 ? current : { startedAt: at, count: 0 };
    window.count += 1;
    windows.set(sourceIp, window);
    return window.count <= limit;
  };
}

/**
 * API Gateway answers every route's preflight itself (a mock integration, infra/api/route-table-api.ts);
 * so does this router, with the same rule (functions/shared/http/cors.ts) from the functions' env.
 */
export function localPreflight(
  pathname: string,
  origin: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): APIGatewayProxyResult {
  const rule = corsRuleFor(pathname, corsOriginsFromEnv(env));
  return { statusCode: 204, headers: corsPreflightHeaders(origin, rule), body: '' };
}

/** Binary bodies up to this size are gathered in one buffer kept for the next. */
const REUSED_BODY_BUFFER_LIMIT = 8 * 1024 * 1024;
let reusedBodyBuffer = Buffer.alloc(0);

/**
 * The event's body as API Gateway hands it to a function: text as is, anything else in base64 (null when
 * empty). A binary body's chunks are gathered in a buffer kept from one request to the next (gathering and
 * encoding run without a pause, so concurrent requests cannot share it mid-way), not in a new copy of the
 * whole upload each time: what a STOW allocates outside V8's heap is what sets how often V8 collects it.
 */
export function eventBody(chunks: readonly Buffer[], isText: boolean): string | null {
  const size = chunks.reduce((total, chunk) => total + chunk.length, 0);
  if (size === 0) return null;
  if (isText) return Buffer.concat(chunks, size).toString('utf8');
  if (size > REUSED_BODY_BUFFER_LIMIT) return Buffer.concat(chunks, size).toString('base64');
  if (reusedBodyBuffer.length < size) {
    reusedBodyBuffer = Buffer.allocUnsafeSlow(
      Math.min(REUSED_BODY_BUFFER_LIMIT, Math.max(size, 2 * reusedBodyBuffer.length)),
    );
  }
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(reusedBodyBuffer, at);
  return reusedBodyBuffer.toString('base64', 0, size);
}

/**
 * The local stand-in for API Gateway: the same route table, the same Cognito check the authorizer
 * makes, the same proxy event shape, and the same Lambda handlers. TLS 1.2 is the floor.
 */
export function createLocalApi(options: {
  key: string;
  cert: string;
  tokens: () => Promise<TokenVerifier>;
  rateLimit: LocalRateLimit;
  /**
   * Local-only pages outside the route table: the Stripe fake's checkout under /local-stripe/, the
   * stand-in for Cognito's hosted UI under /oauth2/, /login and /logout.
   */
  localPages?: readonly LocalPagesMount[];
}) {
  const compiled = (routes as readonly RouteDefinition[]).map(compile);
  const withinSignupLimit = signupRateLimiter(options.rateLimit);
  // The WAF's UnsubscribeRateLimitPerIp rule, with the same exempt addresses.
  const withinUnsubscribeLimit = signupRateLimiter(
    { limit: UNSUBSCRIBE_RATE_LIMIT.defaultLimit, exemptIps: options.rateLimit.exemptIps },
    Date.now,
    UNSUBSCRIBE_RATE_LIMIT,
  );

  /** A buffered result to send, or null once a streaming function has written the response itself. */
  const dispatch = async (
    request: IncomingMessage,
    chunks: Buffer[],
    requestId: string,
    response: ServerResponse,
  ): Promise<APIGatewayProxyResult | null> => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const method = request.method ?? 'GET';
    const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
    // The WAF decides before API Gateway routes anything.
    if (!withinSignupLimit(sourceIp, url.pathname) || !withinUnsubscribeLimit(sourceIp, url.pathname)) {
      return {
        statusCode: 429,
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          'retry-after': String(RETRY_AFTER_SECONDS),
        },
        body: RATE_LIMITED_BODY,
      };
    }
    const pages = mountedPages(options.localPages ?? [], url.pathname);
    if (pages) return pages(method, url, Buffer.concat(chunks), request.headers);
    const matches = compiled
      .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match);
    if (matches.length === 0) return gatewayError(404, 'not_found', 'No such resource.', requestId);
    if (method === 'OPTIONS') return localPreflight(url.pathname, request.headers.origin, process.env);
    const found = matches.find(({ entry }) => entry.route.method === method);
    if (!found?.match) return gatewayError(405, 'method_not_allowed', 'Method not allowed.', requestId);
    const { route, names } = found.entry;

    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] ?? '';
      const value = request.rawHeaders[i + 1] ?? '';
      headers[name] = value;
      multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
    }
    if (route.access.kind !== 'public') {
      // The authorizer step: API Gateway refuses before the function runs.
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      // As in AWS: the workforce pool for staff routes; both pools otherwise (a staff token there is
      // decided by the function: under a support grant, or refused).
      const pools = route.access.kind === 'workforce' ? ['support'] : ['customers', 'support'];
      try {
        if (!token) throw new Error('missing token');
        const verified = await (await options.tokens()).verify(token);
        if (!pools.includes(verified.pool)) throw new Error('token from the other pool');
        // The authorizer's scope check: the signature is verified above, so the claims can be read.
        if (!scopesOf(token).includes(ACCESS_TOKEN_SCOPE)) throw new Error('token without the API scope');
      } catch {
        return gatewayError(401, 'unauthenticated', 'Unauthorized', requestId);
      }
    }
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) {
      query[name] = value;
      multiQuery[name] = [...(multiQuery[name] ?? []), value];
    }
    const isText = /^(application\/(json|.*\+json)|text\/)/i.test(request.headers['content-type'] ?? '');
    const pathParameters: Record<string, string> = {};
    for (const [index, name] of names.entries()) {
      const value = decodedPathSegment(found.match?.[index + 1] ?? '');
      // API Gateway refuses a path it cannot decode before any function runs.
      if (value === null) return gatewayError(400, 'invalid_request', 'The path is not valid.', requestId);
      pathParameters[name] = value;
    }
    const body = eventBody(chunks, isText);
    const event = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
      pathParameters: names.length ? pathParameters : null,
      stageVariables: null,
      body,
      isBase64Encoded: body !== null && !isText,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        httpMethod: method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.id,
        resourcePath: route.path,
        stage: 'local',
        identity: { sourceIp, userAgent: request.headers['user-agent'] ?? null },
        authorizer: null,
      },
    } as unknown as APIGatewayProxyEvent;
    // The event carries the body now: the received bytes are let go for the rest of the request.
    chunks.length = 0;
    const handler = await loadHandler(route.handler);
    // The deployed function's timeout, so a handler that budgets its time does so as it would in AWS.
    const context = lambdaContext(route.id, functionTimeoutSeconds(route) * 1000);
    const traceMarked = request.headers[TRACE_HEADER] === '1';
    const recordAs = request.headers[RECORD_HEADER];
    const recordName = typeof recordAs === 'string' ? recordAs : undefined;
    if (route.response === 'stream') {
      // API Gateway's STREAM transfer mode: the function writes status, headers and body as it goes.
      if (!isStreamingHandler(handler)) throw new Error(`${route.id} is not a streaming handler`);
      await tracedInvocation(
        route.id,
        () => handler(event, new HttpResponseSink(response), context),
        traceMarked,
        recordName,
      );
      return null;
    }
    return (await tracedInvocation(
      route.id,
      () => handler(event, context),
      traceMarked,
      recordName,
    )) as APIGatewayProxyResult;
  };

  const server = createServer(
    { key: options.key, cert: options.cert, minVersion: 'TLSv1.2' },
    (request: IncomingMessage, response: ServerResponse) => {
      const requestId = randomUUID();
      const reply = (result: APIGatewayProxyResult) => {
        if (response.headersSent) return;
        const headers = { ...(result.headers ?? {}) } as Record<string, string>;
        response.writeHead(result.statusCode, headers);
        response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      };
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > MAX_REQUEST_BYTES) {
        reply(gatewayError(413, 'payload_too_large', 'Request body too large.', requestId));
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REQUEST_BYTES) {
          reply(gatewayError(413, 'payload_too_large', 'Request body too large.', requestId));
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        if (size > MAX_REQUEST_BYTES) return;
        dispatch(request, chunks, requestId, response)
          .then((result) => result && reply(result))
          .catch((error: unknown) => {
            console.error('local API: function failed', error instanceof Error ? error.name : error);
            // A stream that already started can only be cut off, as API Gateway does.
            if (response.headersSent) response.destroy();
            else reply(gatewayError(502, 'internal_error', 'Internal server error', requestId));
          });
      });
    },
  );
  return server;
}
