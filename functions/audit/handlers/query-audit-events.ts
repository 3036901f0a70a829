import { httpHandler } from '../../shared/composition/http-handler';
import { queryAuditEvents } from '../core/audit-query';
import { auditQueryDeps } from '../deps';
import { auditPageResult } from '../http/audit-page-response';
import { auditRoutes } from '../routes';

export const handler = httpHandler(auditRoutes.queryAuditEvents, async ({ principal, query, audit }) => {
  audit.objects.push({ type: 'organization', id: principal.orgId });
  return auditPageResult(await queryAuditEvents(auditQueryDeps(), principal.orgId, query), query.format);
});
