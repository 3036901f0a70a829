import type { ChainedAuditRecord } from '../../audit/core/archive';
import type { AuditQueryStore } from '../../audit/core/audit-query';
import type { SupportAuditReader } from '../core/ports';

const PAGE = 1000;
/** A bound on what one grant's log reads: 20 pages of records by that staff member. */
const MAX_PAGES = 20;

/** One staff member's records in an organization's trail, through the audit context's query port. */
export class AuditSupportReader implements SupportAuditReader {
  constructor(private readonly store: AuditQueryStore) {}

  async recordsBy(orgId: string, staffId: string, range: { from: string; to: string }) {
    const records: ChainedAuditRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await this.store.query(orgId, range, { actor: staffId }, PAGE, cursor);
      records.push(...result.records);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return records;
  }
}
