import type { AuditObject, AuditRecord } from '#schemas/audit/audit-event';
import { SUPPORT_ENGINEER_GROUP } from '../../shared/auth/support-grants';
import type { Clock, IdGenerator } from '../../shared/ports';
import type { AuditedRequest, RequestAuditor } from '../../shared/request-audit';
import { type AuditLog, buildAuditRecord } from './audit-trail';

/**
 * Who acted, as the trail names them: a customer by user id and role, PACScribe staff by staff id and
 * groups, the subject a public route learned (sign-up), or nobody.
 */
export function auditActor({ principal, notes }: AuditedRequest): AuditRecord['actor'] {
  if (principal?.kind === 'customer') {
    return { kind: 'customer', userId: principal.userId, role: principal.role };
  }
  if (principal?.kind === 'support') {
    return { kind: 'support', userId: principal.staffId, role: SUPPORT_ENGINEER_GROUP };
  }
  if (principal?.kind === 'workforce') {
    return { kind: 'support', userId: principal.staffId, role: principal.groups.join(' ') || null };
  }
  if (notes.subject?.userId) return { kind: 'customer', userId: notes.subject.userId, role: null };
  return { kind: 'anonymous', userId: null, role: null };
}

/** The organization whose trail holds the record: the caller's own, else the one the request acted on. */
export function auditOrganization({ principal, notes }: AuditedRequest): string | null {
  return principal?.kind === 'customer' || principal?.kind === 'support'
    ? principal.orgId
    : (notes.subject?.orgId ?? null);
}

/** Each object once, in the order first named: the route names some, the use case may name them again. */
export function distinctObjects(objects: readonly AuditObject[]): AuditObject[] {
  const seen = new Set<string>();
  return objects.filter((object) => {
    const key = `${object.type}:${object.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The HTTP stack's audit port, on the hash-chained audit log. */
export class RequestAuditTrail implements RequestAuditor {
  constructor(
    private readonly log: AuditLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async record(request: AuditedRequest): Promise<void> {
    const record = buildAuditRecord(
      {
        event: request.event,
        orgId: auditOrganization(request),
        actor: auditActor(request),
        source: request.source,
        requestId: request.requestId,
        route: request.route,
        httpStatus: request.httpStatus,
        objects: distinctObjects(request.notes.objects),
        reason: request.notes.reason,
        ...(request.notes.changes ? { changes: request.notes.changes } : {}),
      },
      this.ids.newId(),
      this.clock.now(),
    );
    await this.log.append(record);
  }
}
