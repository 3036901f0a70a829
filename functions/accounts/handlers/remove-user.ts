import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { noContent } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { removeUser } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler(routeById('removeUser'), async ({ principal, params, audit }) => {
  const userId = pathId(params, 'userId');
  audit.objects.push({ type: 'user', id: userId });
  await removeUser(userManagementDeps(), requireCustomer(principal), userId);
  return noContent();
});
