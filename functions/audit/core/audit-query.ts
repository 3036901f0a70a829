import type { AuditEventPage, AuditQuery } from '#schemas/audit/audit-query';
import type { Clock } from '../../shared/ports';
import type { ChainedAuditRecord } from './archive';

export interface AuditFilters {
  actor?: string;
  action?: ChainedAuditRecord['action'];
  outcome?: ChainedAuditRecord['outcome'];
  patientId?: string;
  studyUid?: string;
}

/** Port: time-ordered reads of one organization's records. Cursors are opaque and bound to the org. */
export interface AuditQueryStore {
  query(
    orgId: string,
    range: { from: string; to: string },
    filters: AuditFilters,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ records: ChainedAuditRecord[]; nextCursor: string | null }>;
}

const DEFAULT_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** JSON pages stay small for interactive use; file downloads may carry more rows. */
export const MAX_JSON_PAGE = 1000;

/** One page of an organization's audit events, oldest first; the organization comes from the caller. */
export async function queryAuditEvents(
  deps: { store: AuditQueryStore; clock: Clock },
  orgId: string,
  query: AuditQuery,
): Promise<AuditEventPage> {
  const to = query.to ?? deps.clock.now().toISOString();
  const from = query.from ?? new Date(Date.parse(to) - DEFAULT_WINDOW_MS).toISOString();
  const limit = query.format === 'json' ? Math.min(query.limit, MAX_JSON_PAGE) : query.limit;
  const filters: AuditFilters = {
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.outcome !== undefined ? { outcome: query.outcome } : {}),
    ...(query.patientId ? { patientId: query.patientId } : {}),
    ...(query.studyUid ? { studyUid: query.studyUid } : {}),
  };
  const { records, nextCursor } = await deps.store.query(orgId, { from, to }, filters, limit, query.cursor);
  return { events: records, nextCursor };
}
