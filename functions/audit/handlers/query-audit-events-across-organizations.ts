import { accountsRepository } from '../../accounts/deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { NotFoundError } from '../../shared/errors';
import { queryAuditEvents } from '../core/audit-query';
import { auditQueryDeps } from '../deps';
import { auditPageResult } from '../http/audit-page-response';
import { auditRoutes } from '../routes';

/**
 * PACScribe compliance staff read one organization's trail at a time, with a stated reason; the read
 * itself is recorded in that organization's trail (Audit Log Used), so customers see who looked.
 */
export const handler = httpHandler(
  auditRoutes.queryAuditEventsAcrossOrganizations,
  async ({ query, audit }) => {
    if (!(await accountsRepository().getOrganization(query.orgId)))
      throw new NotFoundError('Organization not found.');
    audit.subject = { orgId: query.orgId, userId: null };
    audit.reason = query.reason;
    audit.objects.push({ type: 'organization', id: query.orgId });
    return auditPageResult(await queryAuditEvents(auditQueryDeps(), query.orgId, query), query.format);
  },
);
