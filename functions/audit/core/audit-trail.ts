import {
  AUDIT_EVENTS,
  type AuditEventName,
  type AuditObject,
  type AuditOutcome,
  type AuditRecord,
} from '#schemas/audit/audit-event';
import type { ChainedAuditRecord } from './archive';
import { type ChainHead, chainRecord } from './hash-chain';

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

/** Port: one organization's chain as stored. */
export interface AuditChainStore {
  head(orgId: string): Promise<ChainHead | null>;
  /** Inserts at record.seq; 'conflict' if another writer took that position first. */
  insert(record: ChainedAuditRecord): Promise<'inserted' | 'conflict'>;
}

/**
 * One organization's appends are serialized by the chain; under concurrent requests the losers back off
 * with full jitter (capped exponential), which keeps every request inside the Lambda timeout.
 */
const MAX_APPEND_ATTEMPTS = 30;
const backoffMs = (attempt: number) => Math.random() * Math.min(250, 4 * 2 ** attempt);

/**
 * Appends to the organization's hash chain. The sequence position is claimed with a conditional write,
 * so concurrent writers cannot fork the chain; the loser re-reads the head and tries again.
 */
export class ChainedAuditLog implements AuditLog {
  constructor(private readonly store: AuditChainStore) {}

  async append(record: AuditRecord): Promise<void> {
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
      const chained = chainRecord(record, await this.store.head(record.orgId));
      if ((await this.store.insert(chained)) === 'inserted') return;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
    throw new Error(`audit chain of ${record.orgId} stayed contended for ${MAX_APPEND_ATTEMPTS} attempts`);
  }
}
