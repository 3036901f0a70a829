import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listOrganizationAcceptances } from '../core/policies';
import { policyStore } from '../deps';
import { policyRoutes } from '../routes';

export const handler = httpHandler(
  policyRoutes.listPolicyAcceptances,
  async ({ principal, query, audit }) => {
    audit.objects.push({ type: 'organization', id: principal.orgId });
    return ok({
      acceptances: await listOrganizationAcceptances({ store: policyStore() }, principal, query.version),
    });
  },
);
