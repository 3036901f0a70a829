import type { Readable } from 'node:stream';
import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { IdSchema } from '#schemas/accounts/entities';
import type { AuditObject } from '#schemas/audit/audit-event';
import { KnownOrganizations } from '../auth/known-organizations';
import { authorize } from '../auth/policy';
import type { OrganizationReader, Principal, VerifiedToken } from '../auth/principal';
import { type MembershipRecords, resolvePrincipal } from '../auth/principal-resolver';
import type { SubscriptionStanding } from '../auth/subscription-standing';
import { resolveSupportPrincipal, type SupportGrantLookup } from '../auth/support-grants';
import type { TokenVerifier } from '../auth/token-verifier';
import type { ContinuedUse } from '../continued-use';
import {
  AuditUnavailableError,
  DependencyUnavailableError,
  RateLimitedError,
  SubscriptionLapsedError,
  UnauthenticatedError,
} from '../errors';
import { logFailure, logRequest } from '../logger';
import type { Clock, QuotaDecision } from '../ports';
import type { AuditNotes, RequestAuditor } from '../request-audit';
import { type CorsOrigins, corsResponseHeaders, corsRuleFor } from './cors';
import { dicomwebOperationOf } from './dicomweb-operation';
import { isExpectedError, resultForError } from './error-responses';
import { publishRequestMetrics } from './request-metrics';
import {
  DEFAULT_MAX_BODY_BYTES,
  decodeBody,
  headerValue,
  parseJsonBody,
  parsePathParameter,
  parseQuery,
} from './request-parsing';
import {
  type HttpResult,
  type StreamingProxyResult,
  toApiGatewayResult,
  toStreamingResult,
} from './responses';
import type {
  BodyOf,
  ParamsOf,
  PathParameter,
  PrincipalOf,
  QueryOf,
  RouteAccess,
  RouteDefinition,
  TypedResult,
} from './route';
import { type RouteClass, routeClassOf } from './route-class';

export type { AuditNotes } from '../request-audit';

/** What every HTTP handler depends on, built once per process by the composition root. */
export interface HttpRuntime {
  tokens: TokenVerifier;
  memberships: MembershipRecords;
  auditor: RequestAuditor;
  clock: Clock;
  /** Support access grants, for requests under `X-Support-Grant`; absent, every such request is refused. */
  supportGrants?: SupportGrantLookup;
  /** Records continued use as acceptance of the policy in force [PP-24]; nothing is recorded when absent. */
  continuedUse?: ContinuedUse;
  /** Whether an organization's subscription has lapsed; a `subscriptionGated` route fails closed without it. */
  subscriptionStanding?: SubscriptionStanding;
  /** Browser origins allowed to read responses (CORS, by path: functions/shared/http/cors.ts); none when absent. */
  corsOrigins?: CorsOrigins;
  /** Per-organization request limits (docs/capacity.md); absent, nothing is counted. */
  organizationQuota?: { admit(orgId: string, routeClass: RouteClass): QuotaDecision };
}

/** The request as received, for routes whose bodies are not JSON (DICOMweb). */
export interface RawRequest {
  header(name: string): string | undefined;
  queryParameters: Readonly<Record<string, string>>;
  /** The decoded body; refused with 413 before decoding when larger than the route's maxBodyBytes. */
  body(): Buffer;
  /** The caller's address as API Gateway saw it (rate limits of public routes); never from a header. */
  sourceIp: string | null;
}

/**
 * A route's first read, started beside the membership read for a member whose organization this function
 * instance has seen before, scoped by that organization. Its result reaches the handler only once this
 * request's own membership record names the same organization and authorization has passed; otherwise it
 * is dropped and the handler reads after authorization, as every request did before (issue 12).
 */
export type ReadAhead<R extends RouteDefinition, T> = (scope: {
  reader: OrganizationReader;
  params: ParamsOf<R>;
  query: QueryOf<R>;
  raw: RawRequest;
}) => Promise<T>;

/** The same, as the middleware holds it: the route's types are the handler's business. */
type UntypedReadAhead = (scope: {
  reader: OrganizationReader;
  params: Record<string, string>;
  query: unknown;
  raw: RawRequest;
}) => Promise<unknown>;

/** What a handler receives: everything typed by its route (principal, path, body, query). */
export interface HandlerInput<R extends RouteDefinition, T = never> {
  principal: PrincipalOf<R>;
  query: QueryOf<R>;
  raw: RawRequest;
  /** The verified bearer token, for calls made on the caller's behalf (sign-out everywhere). */
  accessToken: string | null;
  body: BodyOf<R>;
  params: ParamsOf<R>;
  requestId: string;
  audit: AuditNotes;
  /** The route's read-ahead result: started before authorization when it could be, otherwise now. */
  read(): Promise<T>;
  /**
   * Starts writing the audit record of a response with this status now, beside the storage reads that
   * follow; the response still leaves only once it is written, and fails closed if it is not. Call it
   * once the audit notes are final. Should the response end with another status, that is recorded too.
   */
  startAuditRecord(status: SuccessStatus): void;
  /** What is left of the invocation's time (Lambda's timeout; the local router gives the same deadline). */
  remainingTimeMs(): number;
}

/** A handler's result: typed by the route's schema for each success status it documents. */
export type ResultOf<R extends RouteDefinition> = {
  [Status in keyof R['responses'] & SuccessStatus]: R['responses'][Status] extends {
    mediaTypes: readonly string[];
  }
    ? HttpResult
    : R['responses'][Status] extends { schema: infer Schema extends z.ZodType }
      ? TypedResult<Status, z.output<Schema>>
      : HttpResult;
}[keyof R['responses'] & SuccessStatus];

// 303: a form post answered with the page to go on to (share redemption).
type SuccessStatus = 200 | 201 | 202 | 204 | 206 | 303;

interface RequestState {
  startedAt: number;
  requestId: string;
  principal: Principal | null;
  /**
   * Who a verified staff token names, known before their staff record is checked: the actor the audit
   * record names when the request is refused (the principal then stays null).
   */
  claimedBy: Principal | null;
  accessToken: string | null;
  params: Record<string, string>;
  body: unknown;
  query: unknown;
  audit: AuditNotes;
  /** A continued-use acceptance being recorded while the handler runs; settled before the response. */
  acceptance?: Promise<unknown>;
  /** This instance's request count being reported while the handler runs; settled before the response. */
  quotaReport?: Promise<void>;
  /** A streamed body not yet sent: released if the request fails after the handler (audit write). */
  pendingBody?: Readable;
  /** The audit record could not be written and the request failed closed (counted, and alarmed on). */
  auditWriteFailed?: boolean;
  /** The route's read-ahead, once authorization has passed for the organization it was scoped by. */
  readAhead?: Promise<unknown>;
  /** The audit record the handler started beside its storage reads, and the status it records. */
  earlyAudit?: { status: number; written: Promise<void> };
}

/** The Lambda context of one invocation, carrying that request's state from middleware to handler. */
interface HttpContext extends Context {
  [REQUEST_STATE]?: RequestState;
}
const REQUEST_STATE = Symbol('pacscribe.request');

/** Buffered routes answer an API Gateway proxy result; streaming routes a prelude plus a body stream. */
type HttpResponse = APIGatewayProxyResult | StreamingProxyResult;
type HttpRequest = middy.Request<APIGatewayProxyEvent, HttpResponse, Error, HttpContext>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, HttpContext>;

function stateOf(context: HttpContext): RequestState {
  const state = context[REQUEST_STATE];
  if (!state) throw new Error('request state missing: the audit middleware must run first');
  return state;
}

function bearerToken(event: APIGatewayProxyEvent): string {
  const authorization = headerValue(event, 'authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthenticatedError('An access token is required.');
  return match[1];
}

const auditEventOf = (route: RouteDefinition, status: number) =>
  status === 401 ? 'authentication-failed' : status === 403 ? 'access-denied' : (route.audit ?? null);

/** The audit record of this request as it stands, with the status its response carries. */
function writeAuditRecord(
  deps: HttpRuntime,
  route: RouteDefinition,
  event: APIGatewayProxyEvent,
  state: RequestState,
  status: number,
): Promise<void> {
  const name = auditEventOf(route, status);
  if (!name) return Promise.resolve();
  return deps.auditor.record({
    event: name,
    principal: state.principal ?? state.claimedBy,
    notes: state.audit,
    source: {
      ip: event.requestContext?.identity?.sourceIp ?? null,
      userAgent: headerValue(event, 'user-agent')?.slice(0, 512) ?? null,
    },
    requestId: state.requestId,
    route: `${route.method} ${route.path}`,
    httpStatus: status,
  });
}

/** Outermost: records the audit event for allowed and denied requests, before the response leaves. */
function auditTrail(route: RouteDefinition, runtime: () => Promise<HttpRuntime>): HttpMiddleware {
  const record = async (request: HttpRequest) => {
    const state = stateOf(request.context);
    // Started beside the handler, never before it; settled here so no write outlives the invocation.
    await state.acceptance;
    // The count report never fails the request; it runs beside the audit write rather than before it.
    const reported = state.quotaReport ?? Promise.resolve();
    const status = request.response?.statusCode ?? 500;
    if (auditEventOf(route, status)) {
      const deps = await runtime();
      try {
        const early = state.earlyAudit;
        // The record started beside the storage reads stands for this response when its status is this one;
        // otherwise (the reads failed) it is settled and the response's own status is recorded as well.
        if (early && early.status !== status) await early.written.catch(() => undefined);
        const written =
          early?.status === status
            ? early.written
            : writeAuditRecord(deps, route, request.event, state, status);
        await Promise.all([written, reported]);
      } catch (error) {
        logFailure('audit write failed', error, { route: route.id, requestId: state.requestId });
        state.auditWriteFailed = true;
        throw new AuditUnavailableError('audit write failed');
      }
    }
    await reported;
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
      request.context[REQUEST_STATE] = {
        startedAt: Date.now(),
        requestId,
        principal: null,
        claimedBy: null,
        accessToken: null,
        params: {},
        body: undefined,
        query: undefined,
        audit: { objects: [], reason: null, subject: null },
      };
    },
    after: record,
    onError: async (request: HttpRequest) => {
      // A failed audit write has already been turned into a 503; do not try to audit that again.
      if (request.error instanceof AuditUnavailableError) return;
      try {
        await record(request);
      } catch {
        stateOf(request.context).auditWriteFailed = true;
        request.response = toApiGatewayResult(
          resultForError(new AuditUnavailableError('audit write failed'), stateOf(request.context).requestId),
          stateOf(request.context).requestId,
        );
      }
    },
  };
}

/**
 * Outermost: once the answer is final (audit written or failed closed, errors mapped), publishes the
 * request's metrics under the route's id and DICOMweb operation, never a path or parameter value. On a
 * streaming route that is when the status line goes out, before the body streams: latency is the time
 * to the first byte, and a body aborted later is logged, not counted here.
 */
function requestMetrics(route: RouteDefinition): HttpMiddleware {
  const operation = dicomwebOperationOf(route);
  const publish = (request: HttpRequest) => {
    const state = request.context[REQUEST_STATE];
    if (!state) return;
    try {
      publishRequestMetrics({
        routeId: route.id,
        operation,
        status: request.response?.statusCode ?? 500,
        latencyMs: Date.now() - state.startedAt,
        auditWriteFailed: state.auditWriteFailed ?? false,
      });
    } catch (error) {
      // Metrics are for operators; a request never fails over one.
      logFailure('metrics not published', error, { route: route.id, requestId: state.requestId });
    }
  };
  return { after: publish, onError: publish };
}

/** Maps whatever was thrown to the response the client gets. */
function errorResponses(route: RouteDefinition): HttpMiddleware {
  return {
    onError: (request: HttpRequest) => {
      const { requestId, pendingBody } = stateOf(request.context);
      pendingBody?.destroy();
      if (!isExpectedError(request.error)) {
        logFailure('request failed', request.error, { route: route.id, requestId });
      }
      request.response = toApiGatewayResult(resultForError(request.error, requestId), requestId);
    },
  };
}

/**
 * Outermost on every route: every answer, errors included, names the caller's origin when the route's
 * CORS rule allows it (the console everywhere, viewers on DICOMweb), so a browser can read failures as
 * well as data.
 */
function browserAccess(route: RouteDefinition, runtime: () => Promise<HttpRuntime>): HttpMiddleware {
  const addHeaders = async (request: HttpRequest) => {
    if (!request.response) return;
    const origins = await runtime().then(
      (deps): CorsOrigins => deps.corsOrigins ?? { dicomweb: [] },
      (): CorsOrigins => ({ dicomweb: [] }),
    );
    request.response.headers = {
      ...request.response.headers,
      ...corsResponseHeaders(headerValue(request.event, 'origin'), corsRuleFor(route.path, origins)),
    };
  };
  return { after: addHeaders, onError: addHeaders };
}

/**
 * A staff request, as soon as its token is verified as the workforce pool's: who sent it, and the
 * organization it targets (from where the route's access says, if that is a well-formed id), so that a
 * refusal by the staff record or the group check is recorded in that organization's trail under that
 * staff member. An unverified token names nobody and targets nothing: it cannot write into a trail.
 */
function noteStaffRequest(
  state: RequestState,
  access: Extract<RouteAccess, { kind: 'workforce' }>,
  verified: VerifiedToken,
  event: APIGatewayProxyEvent,
): void {
  if (verified.pool !== 'support') return;
  state.claimedBy = { kind: 'workforce', staffId: verified.subject, groups: verified.groups };
  if (!access.target) return;
  const name = access.target.query;
  const values =
    event.multiValueQueryStringParameters?.[name] ??
    (event.queryStringParameters?.[name] === undefined ? [] : [event.queryStringParameters[name]]);
  // A repeated parameter is refused later; it names no single organization, so none is assumed here.
  const orgId = values.length === 1 ? IdSchema.safeParse(values[0]) : null;
  if (orgId?.success) state.audit.subject = { orgId: orgId.data, userId: null };
}

/** The header a support engineer names their access grant in, on the ordinary customer routes. */
export const SUPPORT_GRANT_HEADER = 'x-support-grant';

/**
 * A staff token with a grant on a customer route. Whatever the outcome, the request is recorded under the
 * staff member, in the trail of the organization the grant names (when it names one), with the grant,
 * its ticket and its reason: date, time, staff id and reason for every support access [PP-09].
 */
async function supportPrincipal(
  state: RequestState,
  verified: VerifiedToken,
  grantId: string,
  deps: HttpRuntime,
): Promise<Principal> {
  state.claimedBy = { kind: 'workforce', staffId: verified.subject, groups: verified.groups };
  return resolveSupportPrincipal(
    verified,
    grantId,
    { records: deps.memberships, grants: deps.supportGrants, now: deps.clock.now() },
    (grant) => {
      state.audit.subject = { orgId: grant.orgId, userId: null };
      state.audit.reason = grant.reason;
      state.audit.objects.push(
        { type: 'support-grant', id: grant.grantId },
        { type: 'ticket', id: grant.ticketId },
      );
    },
  );
}

/** Token → principal (from the membership or staff record) → the route's access rule. Deny by default. */
function authenticateAndAuthorize(
  route: RouteDefinition,
  runtime: () => Promise<HttpRuntime>,
  readAhead?: UntypedReadAhead,
): HttpMiddleware {
  const routeClass = routeClassOf(route);
  const knownOrganizations = new KnownOrganizations();
  /**
   * The read-ahead, for a member's token on a member route whose organization is known here and whose
   * path and query are well formed; anything else waits for authorization as before.
   */
  const startReadAhead = (verified: VerifiedToken, event: APIGatewayProxyEvent) => {
    if (!readAhead || verified.pool !== 'customers' || route.access.kind === 'workforce') return null;
    const orgId = knownOrganizations.of(verified.subject);
    if (orgId === undefined) return null;
    let request: { params: Record<string, string>; query: unknown };
    try {
      request = { params: pathParametersOf(route, event), query: queryOf(route, event) };
    } catch {
      return null;
    }
    let result: Promise<unknown>;
    try {
      // Called now, so its first call is on the wire before the membership read's.
      result = readAhead({
        reader: { orgId },
        params: request.params,
        query: request.query,
        raw: rawRequest(event, route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      });
    } catch (error) {
      result = Promise.reject(error);
    }
    // A refused request drops it unread; an allowed one awaits it in the handler and sees its failure.
    result.catch(() => undefined);
    return { orgId, result };
  };
  /**
   * A gated route's subscription standing, read beside the membership for an organization known here;
   * used only if the membership confirms that organization (refuseWhileLapsed), else read again.
   */
  const startStandingRead = (verified: VerifiedToken, deps: HttpRuntime): StandingAhead | null => {
    if (verified.pool !== 'customers' || !deps.subscriptionStanding) return null;
    const orgId = knownOrganizations.of(verified.subject);
    if (orgId === undefined) return null;
    const lapsed = deps.subscriptionStanding.hasLapsed(orgId);
    lapsed.catch(() => undefined);
    return { orgId, lapsed };
  };
  return {
    before: async (request: HttpRequest) => {
      if (route.access.kind === 'public') return;
      const state = stateOf(request.context);
      const token = bearerToken(request.event);
      const deps = await runtime().catch(() => {
        throw new DependencyUnavailableError('Sign-in could not be checked just now; please retry.');
      });
      const verified = await deps.tokens.verify(token);
      if (route.access.kind === 'workforce') noteStaffRequest(state, route.access, verified, request.event);
      const grantId = headerValue(request.event, SUPPORT_GRANT_HEADER);
      const ahead = grantId === undefined ? startReadAhead(verified, request.event) : null;
      const standingAhead =
        grantId === undefined && route.subscriptionGated ? startStandingRead(verified, deps) : null;
      if (grantId !== undefined && verified.pool === 'support' && route.access.kind !== 'workforce') {
        state.principal = await supportPrincipal(state, verified, grantId.trim(), deps);
      } else {
        state.principal = await resolvePrincipal(route.access, verified, deps.memberships, deps.clock.now());
        if (state.principal.kind === 'customer') {
          knownOrganizations.remember(verified.subject, state.principal.orgId);
        }
      }
      state.accessToken = token;
      authorize(state.principal, route.access);
      state.quotaReport = admitToOrganizationQuota(state.principal, deps, routeClass);
      if (route.subscriptionGated) await refuseWhileLapsed(state.principal, deps, standingAhead);
      state.acceptance = recordContinuedUse(state.principal, deps, route);
      // Only now, and only for the organization this request's own record names, is its result used.
      if (ahead && state.principal.kind === 'customer' && state.principal.orgId === ahead.orgId) {
        state.readAhead = ahead.result;
      }
    },
  };
}

/**
 * An organization over its allowance this minute gets 429 with `Retry-After` (the window's remaining
 * seconds), audited like any refusal. Decided from what this instance knows, so counting adds no round trip;
 * the count it reports runs beside the handler.
 */
function admitToOrganizationQuota(
  principal: Principal,
  deps: HttpRuntime,
  routeClass: RouteClass,
): Promise<void> | undefined {
  if (principal.kind !== 'customer' || !deps.organizationQuota) return undefined;
  const decision = deps.organizationQuota.admit(principal.orgId, routeClass);
  if (!decision.admitted) {
    throw new RateLimitedError(
      'Your organization has reached its request allowance for this minute; retry after the time in Retry-After.',
      decision.retryAfterSeconds,
    );
  }
  return decision.report;
}

/** A subscription standing read beside the membership, for the organization this instance expected. */
interface StandingAhead {
  orgId: string;
  lapsed: Promise<boolean>;
}

/**
 * The read-only grace period of a lapsed subscription (docs/billing.md): a route that adds or changes
 * imaging data or users is refused, recorded like any refusal. Without the standing lookup the route
 * fails closed rather than guess.
 */
async function refuseWhileLapsed(
  principal: Principal,
  deps: HttpRuntime,
  ahead: StandingAhead | null,
): Promise<void> {
  if (principal.kind !== 'customer') return;
  if (!deps.subscriptionStanding) {
    throw new DependencyUnavailableError('The subscription could not be checked just now; please retry.');
  }
  const lapsed =
    ahead?.orgId === principal.orgId ? ahead.lapsed : deps.subscriptionStanding.hasLapsed(principal.orgId);
  if (await lapsed) {
    throw new SubscriptionLapsedError(
      "The organization's subscription has lapsed: its data stays readable and exportable, and changes resume once billing is renewed.",
    );
  }
}

/**
 * Continued use as acceptance [PP-24]. The membership record, read above in any case, says which version
 * the member accepted last; the version in force is known without a read. Only a member behind it costs
 * a write, which is started here and not awaited: it runs beside the handler, and the audit step settles
 * it before the response leaves. A failure is logged, not the request's: the next request tries again.
 */
function recordContinuedUse(
  principal: Principal,
  deps: HttpRuntime,
  route: RouteDefinition,
): Promise<unknown> | undefined {
  if (principal.kind !== 'customer' || !deps.continuedUse) return undefined;
  const version = deps.continuedUse.versionInForce(deps.clock.now());
  if (version === null || (principal.acceptedPolicyVersion ?? 0) >= version) return undefined;
  return deps.continuedUse
    .record(principal, version)
    .catch((error: unknown) => logFailure('policy acceptance not recorded', error, { route: route.id }));
}

/**
 * Path parameters, query and body, checked against the route before the handler runs. A path parameter
 * the route audits is recorded once it is known to be well formed.
 */
function pathParametersOf(route: RouteDefinition, event: APIGatewayProxyEvent): Record<string, string> {
  const rules: Readonly<Record<string, PathParameter>> = route.pathParameters;
  return Object.fromEntries(
    Object.entries(rules).map(([name, rule]) => [
      name,
      parsePathParameter(name, rule, event.pathParameters?.[name]),
    ]),
  );
}

function queryOf(route: RouteDefinition, event: APIGatewayProxyEvent): unknown {
  const query = route.request?.query;
  if (!query) return undefined;
  return parseQuery(event, query, {
    aliases: route.request?.queryAliases ?? {},
    repeatable: route.request?.repeatableQueryKeys ?? [],
  });
}

function validateRequest(route: RouteDefinition): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const state = stateOf(request.context);
      const rules: Readonly<Record<string, PathParameter>> = route.pathParameters;
      const audited: Readonly<Record<string, AuditObject['type'] | undefined>> =
        route.auditedParameters ?? {};
      // One by one: a parameter found malformed is refused with those before it already recorded.
      for (const [name, rule] of Object.entries(rules)) {
        const value = parsePathParameter(name, rule, request.event.pathParameters?.[name]);
        state.params[name] = value;
        const type = audited[name];
        if (type) state.audit.objects.push({ type, id: value });
      }
      state.query = queryOf(route, request.event);
      const body = route.request?.body;
      if (body) {
        state.body = parseJsonBody(
          request.event,
          body,
          route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        );
      }
    },
  };
}

/** Bodies already decoded, by event: a read-ahead and the handler each make a RawRequest of one event. */
const decodedBodies = new WeakMap<APIGatewayProxyEvent, Buffer>();

function rawRequest(event: APIGatewayProxyEvent, maxBodyBytes: number): RawRequest {
  return {
    header: (name) => headerValue(event, name),
    queryParameters: Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
    // Decoded once. The event's base64 text (a third larger than the bytes) is then let go: a STOW body
    // would otherwise be held twice for the whole request, and outlive young collections.
    body: () => {
      const known = decodedBodies.get(event);
      if (known) return known;
      const decoded = decodeBody(event, maxBodyBytes);
      decodedBodies.set(event, decoded);
      event.body = null;
      return decoded;
    },
    sourceIp: event.requestContext?.identity?.sourceIp ?? null,
  };
}

/**
 * The one middleware stack: metrics → CORS → audit → error mapping → token and authorization →
 * validation → the use case. Handlers only translate between HTTP and one use case.
 *
 * Routes marked `response: 'stream'` run the same stack in middy's streamifyResponse mode: every
 * middleware, the audit write included, finishes before the status line and the first byte are sent, and
 * a failure before then is the usual JSON error.
 *
 * The returned handler carries its route, so a test can prove that the route naming a handler module is
 * the route that module serves.
 */
export function buildHttpHandler<R extends RouteDefinition, T = never>(
  route: R,
  run: (input: HandlerInput<R, T>) => Promise<ResultOf<R>>,
  runtime: () => Promise<HttpRuntime>,
  readAhead?: ReadAhead<R, T>,
) {
  const streaming = route.response === 'stream';
  const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, HttpContext>(
    streaming ? { executionMode: executionModeStreamifyResponse } : undefined,
  );
  handler.use(requestMetrics(route));
  handler.use(browserAccess(route, runtime));
  const stack = handler
    .use(auditTrail(route, runtime))
    .use(errorResponses(route))
    .use(authenticateAndAuthorize(route, runtime, readAhead as UntypedReadAhead | undefined))
    .use(validateRequest(route))
    .handler(async (event, context) => {
      const state = stateOf(context);
      const raw = rawRequest(event, route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      const read = (): Promise<T> => {
        if (state.readAhead) return state.readAhead as Promise<T>;
        const principal = state.principal;
        if (!readAhead || !principal || !('orgId' in principal)) {
          return Promise.reject(new Error(`route ${route.id} has no read for this caller`));
        }
        return readAhead({
          reader: principal,
          params: state.params as ParamsOf<R>,
          query: state.query as QueryOf<R>,
          raw,
        });
      };
      const startAuditRecord = (status: number) => {
        const written = runtime().then((deps) => writeAuditRecord(deps, route, event, state, status));
        // Awaited by the audit step, which fails the request closed if it was not written.
        written.catch(() => undefined);
        state.earlyAudit = { status, written };
      };
      // The access rule decided the principal's kind (see resolvePrincipal); the route's type states it.
      const result: HttpResult = await run({
        principal: state.principal as PrincipalOf<R>,
        accessToken: state.accessToken,
        body: state.body as BodyOf<R>,
        raw,
        query: state.query as QueryOf<R>,
        params: state.params as ParamsOf<R>,
        requestId: state.requestId,
        audit: state.audit,
        read,
        startAuditRecord,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      });
      // The handler has made its answer from the read: let the read's own objects go while the audit
      // record is written, rather than hold them (a 100-study page's) until the request ends.
      state.readAhead = undefined;
      if (!streaming) return toApiGatewayResult(result, state.requestId);
      const response = toStreamingResult(result, state.requestId, (error) =>
        logFailure('response stream aborted', error, { route: route.id, requestId: state.requestId }),
      );
      if (typeof response.body !== 'string') state.pendingBody = response.body;
      return response;
    });
  // Lambda calls a streaming handler as (event, responseStream, context); the type describes the rest.
  const lambdaHandler = stack as unknown as middy.MiddyfiedHandler<
    APIGatewayProxyEvent,
    APIGatewayProxyResult,
    Error,
    Context
  >;
  return Object.assign(lambdaHandler, { route });
}

export type HttpLambdaHandler = ReturnType<typeof buildHttpHandler>;
