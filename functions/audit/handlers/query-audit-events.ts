import type { AuditQuery } from '#schemas/audit/audit-query';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { queryAuditEvents } from '../core/audit-query';
import { auditQueryDeps } from '../deps';
import { auditPageResult } from './audit-page-response';

export const handler = httpHandler<undefined, AuditQuery>(
  routeById('queryAuditEvents'),
  async ({ principal, query, audit }) => {
    const caller = requireCustomer(principal);
    audit.objects.push({ type: 'organization', id: caller.orgId });
    return auditPageResult(await queryAuditEvents(auditQueryDeps(), caller.orgId, query), query.format);
  },
);
