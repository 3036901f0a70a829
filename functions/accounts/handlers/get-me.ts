import { ForbiddenError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { getMe } from '../core/me';
import { accountsRepository } from '../deps';

export const handler = httpHandler(routeById('getMe'), async ({ principal, audit }) => {
  if (!principal) throw new ForbiddenError('A signed-in member is required.');
  audit.objects.push({ type: 'user', id: principal.userId });
  return ok(await getMe({ accounts: accountsRepository() }, principal));
});
