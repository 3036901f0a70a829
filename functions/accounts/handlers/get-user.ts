import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { getUser } from '../core/users';
import { accountsRepository } from '../deps';

export const handler = httpHandler(routeById('getUser'), async ({ principal, params, audit }) => {
  const userId = pathId(params, 'userId');
  audit.objects.push({ type: 'user', id: userId });
  return ok(await getUser({ accounts: accountsRepository() }, requireCustomer(principal), userId));
});
