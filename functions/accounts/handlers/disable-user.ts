import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { disableUser } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.disableUser, async ({ principal, params }) =>
  ok(await disableUser(userManagementDeps(), principal, params.userId)),
);
