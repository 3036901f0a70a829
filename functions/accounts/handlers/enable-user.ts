import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { enableUser } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.enableUser, async ({ principal, params }) =>
  ok(await enableUser(userManagementDeps(), principal, params.userId)),
);
