import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getUser } from '../core/users';
import { accountsRepository } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.getUser, async ({ principal, params }) =>
  ok(await getUser({ accounts: accountsRepository() }, principal, params.userId)),
);
