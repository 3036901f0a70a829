import {
  AUDIT_EVENTS,
  type AuditEventName,
  type AuditObject,
  type AuditOutcome,
  type AuditRecord,
} from '#schemas/audit/audit-event';

/** Port: where audit records go. Implementations must only ever append. */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
}

export interface AuditFacts {
  event: AuditEventName;
  orgId: string | null;
  actor: AuditRecord['actor'];
  source: AuditRecord['source'];
  requestId: string;
  route: string;
  httpStatus: number;
  objects: AuditObject[];
  reason: string | null;
}

/** PS3.15 A.5 outcome: success, minor failure (the caller's fault), serious failure (ours). */
export function outcomeForStatus(status: number): AuditOutcome {
  if (status < 400) return 0;
  if (status < 500) return 4;
  return 8;
}

export function buildAuditRecord(facts: AuditFacts, recordId: string, now: Date): AuditRecord {
  const definition = AUDIT_EVENTS[facts.event];
  return {
    recordId,
    orgId: facts.orgId ?? 'system',
    event: facts.event,
    eventId: definition.eventId,
    eventType: definition.eventType,
    action: definition.action,
    outcome: outcomeForStatus(facts.httpStatus),
    eventTime: now.toISOString(),
    actor: facts.actor,
    source: facts.source,
    requestId: facts.requestId,
    route: facts.route,
    httpStatus: facts.httpStatus,
    objects: facts.objects,
    reason: facts.reason,
  };
}
