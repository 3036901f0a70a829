import type { WorkforceAuditQuery } from '#schemas/audit/audit-query';
import { accountsRepository } from '../../accounts/deps';
import { ForbiddenError, NotFoundError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { routeById } from '../../shared/routes';
import { queryAuditEvents } from '../core/audit-query';
import { auditQueryDeps } from '../deps';
import { auditPageResult } from './audit-page-response';

/**
 * PACScribe compliance staff read one organization's trail at a time, with a stated reason; the read
 * itself is recorded in that organization's trail (Audit Log Used), so customers see who looked.
 */
export const handler = httpHandler<undefined, WorkforceAuditQuery>(
  routeById('queryAuditEventsAcrossOrganizations'),
  async ({ principal, query, audit }) => {
    if (principal?.kind !== 'workforce') throw new ForbiddenError('PACScribe compliance staff only.');
    if (!(await accountsRepository().getOrganization(query.orgId)))
      throw new NotFoundError('Organization not found.');
    audit.subject = { orgId: query.orgId, userId: null };
    audit.reason = query.reason;
    audit.objects.push({ type: 'organization', id: query.orgId });
    return auditPageResult(await queryAuditEvents(auditQueryDeps(), query.orgId, query), query.format);
  },
);
