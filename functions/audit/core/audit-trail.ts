import {
  AUDIT_CHAINS_PER_ORG,
  AUDIT_EVENTS,
  type AuditChange,
  type AuditEventName,
  type AuditObject,
  type AuditOutcome,
  type AuditRecord,
} from '#schemas/audit/audit-event';
import type { ChainedAuditRecord } from './archive';
import { type ChainHead, type ChainId, chainRecord } from './hash-chain';

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
  /** Before and after values; written only when there are some, so other records keep their shape. */
  changes?: AuditChange[];
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
    ...(facts.changes && facts.changes.length > 0 ? { changes: facts.changes } : {}),
  };
}

/** Port: an organization's chains as stored. */
export interface AuditChainStore {
  head(chain: ChainId): Promise<ChainHead | null>;
  /** Inserts at record.seq of record.chain; 'conflict' if another writer took that position first. */
  insert(record: ChainedAuditRecord): Promise<'inserted' | 'conflict'>;
}

/** Contention is rare with many chains, so a few quick retries keep every request inside its timeout. */
const MAX_APPEND_ATTEMPTS = 30;
const backoffMs = (attempt: number) => Math.random() * Math.min(100, 2 * 2 ** attempt);

/**
 * Appends to one of the organization's hash chains. A position is claimed with a conditional write, so
 * concurrent writers cannot fork a chain. Each append takes a chain no other append of this process is
 * using and remembers that chain's head, so the usual append is one write: in Lambda a container serves
 * one request at a time and keeps to its chain; a writer that loses a race re-reads the head and moves to
 * another chain.
 */
export class ChainedAuditLog implements AuditLog {
  private readonly heads = new Map<string, ChainHead | null>();
  private readonly busy = new Set<string>();
  private preferred = Math.floor(Math.random() * AUDIT_CHAINS_PER_ORG);

  constructor(private readonly store: AuditChainStore) {}

  async append(record: AuditRecord): Promise<void> {
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
      const { chain, owned } = this.claimChain(record.orgId);
      const key = `${record.orgId}#${chain}`;
      try {
        const head = this.heads.has(key)
          ? (this.heads.get(key) ?? null)
          : await this.store.head({ orgId: record.orgId, chain });
        const chained = chainRecord(record, chain, head);
        if ((await this.store.insert(chained)) === 'inserted') {
          this.heads.set(key, { seq: chained.seq, hash: chained.hash });
          return;
        }
        this.heads.delete(key);
        this.preferred = Math.floor(Math.random() * AUDIT_CHAINS_PER_ORG);
      } catch (error) {
        this.heads.delete(key);
        throw error;
      } finally {
        if (owned) this.busy.delete(key);
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
    throw new Error(`audit chains of ${record.orgId} stayed contended for ${MAX_APPEND_ATTEMPTS} attempts`);
  }

  /** The preferred chain if this process is not already appending to it, else the next free one. */
  private claimChain(orgId: string): { chain: number; owned: boolean } {
    for (let offset = 0; offset < AUDIT_CHAINS_PER_ORG; offset += 1) {
      const chain = (this.preferred + offset) % AUDIT_CHAINS_PER_ORG;
      const key = `${orgId}#${chain}`;
      if (!this.busy.has(key)) {
        this.busy.add(key);
        return { chain, owned: true };
      }
    }
    // More concurrent appends than chains in one process: share one, the conditional write still decides.
    return { chain: Math.floor(Math.random() * AUDIT_CHAINS_PER_ORG), owned: false };
  }
}
