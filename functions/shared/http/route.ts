import type { z } from 'zod';
import type { Action } from '#schemas/accounts/roles';
import type { AuditEventName } from '#schemas/audit/audit-event';
import type { Binding } from '#schemas/shared/env';

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
 * - workforce: PACScribe staff (workforce pool) in that group; never a customer token.
 */
export type RouteAccess =
  | { kind: 'public'; reason: string }
  | { kind: 'member' }
  | { kind: 'action'; action: Action; orActions?: readonly Action[] }
  | { kind: 'workforce'; group: WorkforceGroup };

/** Groups of PACScribe's own staff in the separate workforce (support) pool. */
export type WorkforceGroup = 'support-engineer' | 'compliance-reviewer';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

export interface RouteDefinition {
  /** Stable id: construct ids, function names and OpenAPI operationIds derive from it. */
  id: string;
  method: HttpMethod;
  /** API Gateway path template, e.g. /v1/users/{userId}. */
  path: string;
  context: BoundedContext;
  /** Handler module, relative to functions/ and without extension; it exports `handler`. */
  handler: string;
  summary: string;
  access: RouteAccess;
  /** The audit event this route records; null only for routes that touch no customer data. */
  audit: AuditEventName | null;
  /** Resources the function is granted, beyond the membership read and audit append every route gets. */
  bindings: readonly Binding[];
  request?: { body?: z.ZodType; query?: z.ZodType; maxBodyBytes?: number };
  /**
   * 'stream': the body is streamed (API Gateway REST response streaming into Lambda's streamifyResponse),
   * for responses beyond the 6 MB buffered limit. Absent: buffered.
   */
  response?: 'stream';
  responses: Readonly<Record<number, RouteResponse>>;
}
