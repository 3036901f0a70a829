import type { AuditEventPage, AuditQuery } from '#schemas/audit/audit-query';
import { download, type HttpResult, ok } from '../../shared/http/responses';
import { auditEventsToCsv, auditEventsToXlsx } from '../core/audit-export';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** JSON page, or a CSV/XLSX download whose next page is named in X-Next-Cursor. */
export async function auditPageResult(
  page: AuditEventPage,
  format: AuditQuery['format'],
): Promise<HttpResult> {
  const next = page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {};
  if (format === 'csv')
    return download('text/csv; charset=utf-8', 'audit-events.csv', auditEventsToCsv(page.events), next);
  if (format === 'xlsx')
    return download(XLSX, 'audit-events.xlsx', await auditEventsToXlsx(page.events), next);
  return ok(page);
}
