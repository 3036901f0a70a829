import type { UpdateUserBody } from '#schemas/accounts/users';
import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { updateUserAccess } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler<UpdateUserBody>(
  routeById('updateUser'),
  async ({ principal, params, body, audit }) => {
    const userId = pathId(params, 'userId');
    audit.objects.push({ type: 'user', id: userId });
    return ok(await updateUserAccess(userManagementDeps(), requireCustomer(principal), userId, body));
  },
);
