import type { AuditChange, AuditEventName, AuditObject } from '#schemas/audit/audit-event';
import type { Principal } from './auth/principal';

/**
 * What a use case adds to the audit record of its request: the objects it touched beyond those the route
 * names from its path, the reason it was given, and the organization whose trail the record belongs to
 * when the caller has none (sign-up; PACScribe staff acting on an organization).
 */
export interface AuditNotes {
  objects: AuditObject[];
  reason: string | null;
  subject: { orgId: string; userId: string | null } | null;
  /** Attribute values before and after, for requests that change them (edits, reverts). */
  changes?: AuditChange[];
}

/** One request as the audit trail records it, allowed or refused. */
export interface AuditedRequest {
  event: AuditEventName;
  principal: Principal | null;
  notes: AuditNotes;
  source: { ip: string | null; userAgent: string | null };
  requestId: string;
  /** `METHOD /path/template`: never the concrete URL, which may carry PHI. */
  route: string;
  httpStatus: number;
}

/** Port: records a request before its response leaves; a rejection fails the request closed. */
export interface RequestAuditor {
  record(request: AuditedRequest): Promise<void>;
}
