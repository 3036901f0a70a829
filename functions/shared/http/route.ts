import type { z } from 'zod';
import type { Action } from '#schemas/accounts/roles';
import type { WorkforceGroup } from '#schemas/accounts/staff';
import type { AuditEventName, AuditObject } from '#schemas/audit/audit-event';
import type { Binding } from '#schemas/shared/env';
import type { CustomerPrincipal, SupportPrincipal, WorkforcePrincipal } from '../auth/principal';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type BoundedContext =
  | 'shared'
  | 'accounts'
  | 'imaging'
  | 'audit'
  | 'support'
  | 'sharing'
  | 'exports'
  | 'mail'
  | 'billing'
  | 'policy';

/**
 * Who may call a route. Deny by default: a route must say which of these it is.
 * - public: no token; the route carries its own checks (reviewed exception, with the reason).
 * - member: any active member of an organization, acting on their own records.
 * - action: a member holding that permission (or, when listed, one of `orActions`) in their organization.
 * - `supportView: true` (member and action routes): a support engineer holding an active access grant for
 *   the organization may call it too, with the `X-Support-Grant` header; only routes that show data and
 *   change nothing may say so [PP-08].
 * - workforce: PACScribe staff (workforce pool) in that group, by their staff record; never a customer
 *   token. `target` names where the request says which organization it acts on, so that the request,
 *   refused or not, is recorded in that organization's trail.
 */
export type RouteAccess =
  | { kind: 'public'; reason: string }
  | { kind: 'member'; supportView?: boolean }
  | { kind: 'action'; action: Action; orActions?: readonly Action[]; supportView?: boolean }
  | { kind: 'workforce'; group: WorkforceGroup; target?: WorkforceTarget };

export type { WorkforceGroup };

/** Where a workforce request names its target organization: a query parameter holding its id. */
export interface WorkforceTarget {
  query: string;
}

/** The names between braces in a path template: '/v1/users/{userId}' → 'userId'. */
export type PathParameterName<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParameterName<Rest>
  : never;

/**
 * How one path parameter is checked before the handler runs. `not-found`: a malformed value cannot name
 * anything, so it answers exactly like a missing one (ids). `invalid`: a 400 naming the parameter (DICOM
 * UIDs, whose syntax the standard fixes).
 */
export interface PathParameter {
  schema: z.ZodType<string>;
  malformed: 'not-found' | 'invalid';
  description: string;
}

/** A response the route documents. JSON unless `mediaType` says otherwise; errors are thrown, not returned. */
export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Media types of the body when it is not application/json (DICOM JSON, multipart/related, files). */
  mediaTypes?: readonly string[];
}
export type RouteResponses = Readonly<Partial<Record<number, RouteResponse>>>;

export interface RouteRequest {
  /** A JSON body, parsed and validated before the handler runs. */
  body?: z.ZodType;
  /** Query parameters, parsed and validated before the handler runs. */
  query?: z.ZodType;
  /** Other names for query keys, matched case-insensitively (DICOMweb: 00100020 for PatientID). */
  queryAliases?: Readonly<Record<string, string>>;
  /**
   * Keys that may repeat; their values join into one comma-separated list (QIDO `includefield`, PS3.18
   * §8.3.4.3). Any other repeated key is refused rather than resolved one way here and another elsewhere.
   */
  repeatableQueryKeys?: readonly string[];
  /** A body that is not JSON (STOW-RS): its media type, read by the handler through `raw.body()`. */
  rawBody?: { mediaType: string; description: string };
  /** Larger bodies are refused with 413 before they are decoded. */
  maxBodyBytes?: number;
}

/** What a route declares; `defineRoute` adds the id and context. */
export interface RouteSpec<
  Path extends string,
  Access extends RouteAccess,
  Request extends RouteRequest,
  Responses extends RouteResponses,
> {
  method: HttpMethod;
  /** API Gateway path template, e.g. /v1/users/{userId}. */
  path: Path;
  /** Handler module, relative to functions/ and without extension; it exports `handler` built on this route. */
  handler: string;
  summary: string;
  access: Access;
  /** The audit event this route records; null only for routes that touch no customer data. */
  audit: AuditEventName | null;
  /** Path parameters and their checks: one entry for every {name} in the path. */
  pathParameters: { readonly [Name in PathParameterName<Path>]: PathParameter };
  /** The audit objects a path parameter names, recorded once it is checked; handlers add only what they learn. */
  auditedParameters?: { readonly [Name in PathParameterName<Path>]?: AuditObject['type'] };
  /** Resources the function is granted, beyond the membership read and audit append every route gets. */
  bindings: readonly Binding[];
  /**
   * The route adds or changes imaging data or users: refused with 402 `subscription_lapsed` while the
   * organization's subscription has lapsed (its read-only grace period, docs/billing.md). Routes that read,
   * export, protect (sign-out, disabling users, revoking access), pay, ask for help or manage privacy
   * choices never carry it, so a lapsed organization keeps every right the privacy policy gives it.
   */
  subscriptionGated?: true;
  request?: Request;
  /**
   * 'stream': the body is streamed (API Gateway REST response streaming into Lambda's streamifyResponse),
   * for responses beyond the 6 MB buffered limit. Absent: buffered.
   */
  response?: 'stream';
  /**
   * The function decodes and renders images: infra gives it the rendering runtime (the sharp layer, the
   * codecs' WebAssembly, more memory); see infra/imaging/image-rendering-runtime.ts.
   */
  imageRendering?: boolean;
  /**
   * The function decodes or transcodes pixel data on retrieval: infra ships the codecs' WebAssembly
   * beside its bundle and gives it more memory (no native module, so it stays on arm64).
   */
  pixelCodecs?: boolean;
  responses: Responses;
}

export interface Route<
  Path extends string = string,
  Access extends RouteAccess = RouteAccess,
  Request extends RouteRequest = RouteRequest,
  Responses extends RouteResponses = RouteResponses,
> extends RouteSpec<Path, Access, Request, Responses> {
  /** Stable id: construct ids, function names and OpenAPI operationIds derive from it. */
  id: string;
  context: BoundedContext;
}

/** Any route, as the API construct, the local router and the OpenAPI document see it. */
export type RouteDefinition = Route<string, RouteAccess, RouteRequest, RouteResponses>;

/** Lambda's timeout for a buffered route: well inside API Gateway's 29 s integration timeout. */
export const BUFFERED_FUNCTION_TIMEOUT_SECONDS = 10;
/**
 * For a streamed route: Lambda streams 200 MB at most, 2 MB/s after the first 6 MB, so ~100 s covers the
 * largest response the retrieval limits allow; a stalled client cannot hold a function longer.
 */
export const STREAMING_FUNCTION_TIMEOUT_SECONDS = 180;

/** How long a route's function may run: the CDK app's timeout, and the local router's deadline. */
export function functionTimeoutSeconds(route: Pick<RouteDefinition, 'response'>): number {
  return route.response === 'stream' ? STREAMING_FUNCTION_TIMEOUT_SECONDS : BUFFERED_FUNCTION_TIMEOUT_SECONDS;
}

/**
 * Declares one route of a context. Body, query, path-parameter, principal and response types follow from
 * the schemas and access rule given here, so a handler built on the route cannot disagree with it.
 */
export function defineRoute<
  const Path extends string,
  const Access extends RouteAccess,
  const Request extends RouteRequest = Record<never, never>,
  const Responses extends RouteResponses = RouteResponses,
>(
  context: BoundedContext,
  id: string,
  spec: RouteSpec<Path, Access, Request, Responses>,
): Route<Path, Access, Request, Responses> {
  return { id, context, ...spec };
}

export type BodyOf<R extends RouteDefinition> =
  NonNullable<R['request']> extends { body: infer Schema extends z.ZodType } ? z.output<Schema> : undefined;
export type QueryOf<R extends RouteDefinition> =
  NonNullable<R['request']> extends {
    query: infer Schema extends z.ZodType;
  }
    ? z.output<Schema>
    : undefined;
export type ParamsOf<R extends RouteDefinition> = { readonly [Name in PathParameterName<R['path']>]: string };
export type PrincipalOf<R extends RouteDefinition> = R['access'] extends { kind: 'public' }
  ? null
  : R['access'] extends { kind: 'workforce' }
    ? WorkforcePrincipal
    : R['access'] extends { supportView: true }
      ? CustomerPrincipal | SupportPrincipal
      : CustomerPrincipal;

/** A result whose body is typed by the route's schema for that status. */
export interface TypedResult<Status extends number, Body> {
  statusCode: Status;
  body: Body;
  headers?: Record<string, string>;
}
