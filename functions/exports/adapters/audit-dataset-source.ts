import type { ChainedAuditRecord } from '#schemas/audit/audit-event';
import type { AuditQueryStore } from '../../audit/core/audit-query';
import type { Clock } from '../../shared/ports';
import type { AuditSource } from '../core/dataset-sources';

/** Records per read: DynamoDB pages are 1 MB at most, so larger pages only add round trips inside it. */
const AUDIT_PAGE_SIZE = 1000;
/** Before the first record any organization can have. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/** The organization's whole audit trail, oldest first, through the audit routes' own query port. */
export class AuditDatasetSource implements AuditSource {
  constructor(
    private readonly store: AuditQueryStore,
    private readonly clock: Clock,
  ) {}

  async *records(orgId: string): AsyncIterable<ChainedAuditRecord> {
    // Up to the moment the export starts: records the export itself writes belong to the next one.
    const range = { from: BEGINNING, to: this.clock.now().toISOString() };
    let cursor: string | undefined;
    do {
      const page = await this.store.query(orgId, range, {}, AUDIT_PAGE_SIZE, cursor);
      yield* page.records;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
