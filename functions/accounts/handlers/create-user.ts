import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { createUser } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.createUser, async ({ principal, body, audit }) => {
  const user = await createUser(userManagementDeps(), principal, body);
  audit.objects.push({ type: 'user', id: user.userId });
  return created(user);
});
