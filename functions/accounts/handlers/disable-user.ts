import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { disableUser } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler(routeById('disableUser'), async ({ principal, params, audit }) => {
  const userId = pathId(params, 'userId');
  audit.objects.push({ type: 'user', id: userId });
  return ok(await disableUser(userManagementDeps(), requireCustomer(principal), userId));
});
