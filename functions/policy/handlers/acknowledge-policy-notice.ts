import { accountsRepository } from '../../accounts/deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { NotFoundError } from '../../shared/errors';
import { ok } from '../../shared/http/responses';
import { acknowledgePolicyNotice } from '../core/policies';
import { policyStore } from '../deps';
import { policyRoutes } from '../routes';

export const handler = httpHandler(policyRoutes.acknowledgePolicyNotice, async ({ principal, audit }) => {
  audit.objects.push({ type: 'user', id: principal.userId });
  const member = await accountsRepository().getMember(principal.userId);
  if (!member || member.orgId !== principal.orgId) throw new NotFoundError('Account not found.');
  return ok(await acknowledgePolicyNotice({ store: policyStore() }, principal, member));
});
