import type { CreateUserBody } from '#schemas/accounts/users';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { created } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { createUser } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler<CreateUserBody>(
  routeById('createUser'),
  async ({ principal, body, audit }) => {
    const user = await createUser(userManagementDeps(), requireCustomer(principal), body);
    audit.objects.push({ type: 'user', id: user.userId });
    return created(user);
  },
);
