import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { getMe } from '../core/me';
import { accountsRepository } from '../deps';

export const handler = httpHandler(routeById('getMe'), async ({ principal, audit }) => {
  const caller = requireCustomer(principal);
  audit.objects.push({ type: 'user', id: caller.userId });
  return ok(await getMe({ accounts: accountsRepository() }, caller));
});
