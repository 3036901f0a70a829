import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { updateUserAccess } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.updateUser, async ({ principal, params, body }) =>
  ok(await updateUserAccess(userManagementDeps(), principal, params.userId, body)),
);
