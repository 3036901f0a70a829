import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { enableUser } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler(routeById('enableUser'), async ({ principal, params, audit }) => {
  const userId = pathId(params, 'userId');
  audit.objects.push({ type: 'user', id: userId });
  return ok(await enableUser(userManagementDeps(), requireCustomer(principal), userId));
});
