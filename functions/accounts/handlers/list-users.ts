import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listUsers } from '../core/users';
import { accountsRepository } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.listUsers, async ({ principal, audit }) => {
  audit.objects.push({ type: 'organization', id: principal.orgId });
  return ok(await listUsers({ accounts: accountsRepository() }, principal));
});
