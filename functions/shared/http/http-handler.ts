import type { Readable } from 'node:stream';
import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AuditObject } from '#schemas/audit/audit-event';
import { type AuditFacts, type AuditLog, buildAuditRecord } from '../../audit/core/audit-trail';
import { authorize } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { type MembershipReader, resolvePrincipal } from '../auth/principal-resolver';
import type { TokenVerifier } from '../auth/token-verifier';
import { AuditUnavailableError, DependencyUnavailableError, UnauthenticatedError } from '../errors';
import { logFailure, logRequest } from '../logger';
import type { Clock, IdGenerator } from '../ports';
import { corsResponseHeaders, isDicomwebPath } from './cors';
import { isExpectedError, resultForError } from './error-responses';
import {
  DEFAULT_MAX_BODY_BYTES,
  decodeBody,
  headerValue,
  parseJsonBody,
  parseQuery,
} from './request-parsing';
import {
  type HttpResult,
  type StreamingProxyResult,
  toApiGatewayResult,
  toStreamingResult,
} from './responses';
import type { RouteDefinition } from './route';
import { defaultHttpRuntime } from './runtime';

/** What every HTTP handler depends on, built once per process. */
export interface HttpRuntime {
  tokens: TokenVerifier;
  memberships: MembershipReader;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
  /** Browser origins allowed to read DICOMweb responses (CORS); none when absent. */
  corsOrigins?: readonly string[];
}

/**
 * Lets a use case name the objects it touched, the reason it was given, and the organization whose trail
 * the record belongs to when the caller has none (sign-up; PACScribe staff acting on an organization).
 */
export interface AuditNotes {
  objects: AuditObject[];
  reason: string | null;
  subject: { orgId: string; userId: string | null } | null;
}

/** The request as received, for routes whose bodies are not JSON (DICOMweb). */
export interface RawRequest {
  header(name: string): string | undefined;
  queryParameters: Readonly<Record<string, string>>;
  /** The decoded body; refused with 413 before decoding when larger than maxBytes. */
  body(maxBytes: number): Buffer;
}

export interface HandlerInput<TBody, TQuery = undefined> {
  principal: Principal | null;
  query: TQuery;
  raw: RawRequest;
  /** The verified bearer token, for calls made on the caller's behalf (sign-out everywhere). */
  accessToken: string | null;
  body: TBody;
  params: Readonly<Record<string, string>>;
  requestId: string;
  audit: AuditNotes;
}

interface RequestState {
  startedAt: number;
  requestId: string;
  principal: Principal | null;
  accessToken: string | null;
  body: unknown;
  query: unknown;
  audit: AuditNotes;
  /** A streamed body not yet sent: released if the request fails after the handler (audit write). */
  pendingBody?: Readable;
}

/** Buffered routes answer an API Gateway proxy result; streaming routes a prelude plus a body stream. */
type HttpResponse = APIGatewayProxyResult | StreamingProxyResult;
type HttpRequest = middy.Request<APIGatewayProxyEvent, HttpResponse, Error, Context>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, Context>;

const states = new WeakMap<Context, RequestState>();
function stateOf(request: HttpRequest): RequestState {
  const state = states.get(request.context);
  if (!state) throw new Error('request state missing: the audit middleware must run first');
  return state;
}

function bearerToken(event: APIGatewayProxyEvent): string {
  const authorization = headerValue(event, 'authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthenticatedError('An access token is required.');
  return match[1];
}

/** Outermost: records the audit event for allowed and denied requests, before the response leaves. */
function auditTrail(route: RouteDefinition, runtime: () => Promise<HttpRuntime>): HttpMiddleware {
  const record = async (request: HttpRequest) => {
    const state = stateOf(request);
    const status = request.response?.statusCode ?? 500;
    const event =
      status === 401 ? 'authentication-failed' : status === 403 ? 'access-denied' : (route.audit ?? null);
    if (event) {
      const { principal, audit } = state;
      const facts: AuditFacts = {
        event,
        orgId: principal?.kind === 'customer' ? principal.orgId : (audit.subject?.orgId ?? null),
        actor:
          principal?.kind === 'customer'
            ? { kind: 'customer', userId: principal.userId, role: principal.role }
            : principal?.kind === 'workforce'
              ? { kind: 'support', userId: principal.staffId, role: principal.groups.join(' ') || null }
              : audit.subject?.userId
                ? { kind: 'customer', userId: audit.subject.userId, role: null }
                : { kind: 'anonymous', userId: null, role: null },
        source: {
          ip: request.event.requestContext?.identity?.sourceIp ?? null,
          userAgent: headerValue(request.event, 'user-agent')?.slice(0, 512) ?? null,
        },
        requestId: state.requestId,
        route: `${route.method} ${route.path}`,
        httpStatus: status,
        objects: audit.objects,
        reason: audit.reason,
      };
      const deps = await runtime();
      try {
        await deps.audit.append(buildAuditRecord(facts, deps.ids.newId(), deps.clock.now()));
      } catch (error) {
        logFailure('audit write failed', error, { route: route.id, requestId: state.requestId });
        throw new AuditUnavailableError('audit write failed');
      }
    }
    logRequest({
      route: route.id,
      status,
      requestId: state.requestId,
      durationMs: Date.now() - state.startedAt,
    });
  };
  return {
    before: (request: HttpRequest) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      states.set(request.context, {
        startedAt: Date.now(),
        requestId,
        principal: null,
        accessToken: null,
        body: undefined,
        query: undefined,
        audit: { objects: [], reason: null, subject: null },
      });
    },
    after: record,
    onError: async (request: HttpRequest) => {
      // A failed audit write has already been turned into a 503; do not try to audit that again.
      if (request.error instanceof AuditUnavailableError) return;
      try {
        await record(request);
      } catch {
        request.response = toApiGatewayResult(
          resultForError(new AuditUnavailableError('audit write failed'), stateOf(request).requestId),
          stateOf(request).requestId,
        );
      }
    },
  };
}

/** Maps whatever was thrown to the response the client gets. */
function errorResponses(route: RouteDefinition): HttpMiddleware {
  return {
    onError: (request: HttpRequest) => {
      const { requestId, pendingBody } = stateOf(request);
      pendingBody?.destroy();
      if (!isExpectedError(request.error)) {
        logFailure('request failed', request.error, { route: route.id, requestId });
      }
      request.response = toApiGatewayResult(resultForError(request.error, requestId), requestId);
    },
  };
}

/**
 * Outermost on DICOMweb routes: every answer, errors included, names the caller's origin when it is an
 * allowed browser origin, so a viewer can read failures as well as data.
 */
function browserAccess(runtime: () => Promise<HttpRuntime>): HttpMiddleware {
  const addHeaders = async (request: HttpRequest) => {
    if (!request.response) return;
    const allowed = await runtime().then(
      (deps) => deps.corsOrigins ?? [],
      () => [],
    );
    request.response.headers = {
      ...request.response.headers,
      ...corsResponseHeaders(headerValue(request.event, 'origin'), allowed),
    };
  };
  return { after: addHeaders, onError: addHeaders };
}

/** Token → principal (from the membership record) → the route's access rule. Deny by default. */
function authenticateAndAuthorize(
  route: RouteDefinition,
  runtime: () => Promise<HttpRuntime>,
): HttpMiddleware {
  return {
    before: async (request: HttpRequest) => {
      if (route.access.kind === 'public') return;
      const state = stateOf(request);
      const token = bearerToken(request.event);
      const deps = await runtime().catch(() => {
        throw new DependencyUnavailableError('Sign-in could not be checked just now; please retry.');
      });
      const verified = await deps.tokens.verify(token);
      state.principal = await resolvePrincipal(route.access, verified, deps.memberships, deps.clock.now());
      state.accessToken = token;
      authorize(state.principal, route.access);
    },
  };
}

function validateRequest(route: RouteDefinition): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const state = stateOf(request);
      if (route.request?.query) state.query = parseQuery(request.event, route.request.query);
      const schema = route.request?.body;
      if (!schema) return;
      state.body = parseJsonBody(
        request.event,
        schema,
        route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      );
    },
  };
}

function rawRequest(event: APIGatewayProxyEvent): RawRequest {
  return {
    header: (name) => headerValue(event, name),
    queryParameters: Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
    body: (maxBytes) => decodeBody(event, maxBytes),
  };
}

/**
 * The one middleware stack: CORS (DICOMweb only) → audit → error mapping → token and authorization →
 * validation → the use case. Handlers only translate between HTTP and one use case.
 *
 * Routes marked `response: 'stream'` run the same stack in middy's streamifyResponse mode: every
 * middleware, the audit write included, finishes before the status line and the first byte are sent, and
 * a failure before then is the usual JSON error.
 */
export function httpHandler<TBody = undefined, TQuery = undefined>(
  route: RouteDefinition,
  run: (input: HandlerInput<TBody, TQuery>) => Promise<HttpResult>,
  runtime: () => Promise<HttpRuntime> = defaultHttpRuntime,
) {
  const streaming = route.response === 'stream';
  const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>(
    streaming ? { executionMode: executionModeStreamifyResponse } : undefined,
  );
  if (isDicomwebPath(route.path)) handler.use(browserAccess(runtime));
  const stack = handler
    .use(auditTrail(route, runtime))
    .use(errorResponses(route))
    .use(authenticateAndAuthorize(route, runtime))
    .use(validateRequest(route))
    .handler(async (event, context) => {
      const state = states.get(context);
      if (!state) throw new Error('request state missing');
      const result = await run({
        principal: state.principal,
        accessToken: state.accessToken,
        body: state.body as TBody,
        raw: rawRequest(event),
        query: state.query as TQuery,
        params: Object.fromEntries(
          Object.entries(event.pathParameters ?? {}).filter((entry): entry is [string, string] => !!entry[1]),
        ),
        requestId: state.requestId,
        audit: state.audit,
      });
      if (!streaming) return toApiGatewayResult(result, state.requestId);
      const response = toStreamingResult(result, state.requestId, (error) =>
        logFailure('response stream aborted', error, { route: route.id, requestId: state.requestId }),
      );
      if (typeof response.body !== 'string') state.pendingBody = response.body;
      return response;
    });
  // Lambda calls a streaming handler as (event, responseStream, context); the type describes the rest.
  return stack as unknown as middy.MiddyfiedHandler<
    APIGatewayProxyEvent,
    APIGatewayProxyResult,
    Error,
    Context
  >;
}
