import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { listUsers } from '../core/users';
import { accountsRepository } from '../deps';

export const handler = httpHandler(routeById('listUsers'), async ({ principal, audit }) => {
  const caller = requireCustomer(principal);
  audit.objects.push({ type: 'organization', id: caller.orgId });
  return ok(await listUsers({ accounts: accountsRepository() }, caller));
});
