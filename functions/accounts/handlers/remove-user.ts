import { httpHandler } from '../../shared/composition/http-handler';
import { noContent } from '../../shared/http/responses';
import { removeUser } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.removeUser, async ({ principal, params }) => {
  await removeUser(userManagementDeps(), principal, params.userId);
  return noContent();
});
