import type { UpdateProfileBody } from '#schemas/accounts/users';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { updateOwnProfile } from '../core/users';
import { selfServiceDeps } from '../deps';

export const handler = httpHandler<UpdateProfileBody>(
  routeById('updateMe'),
  async ({ principal, body, audit }) => {
    const caller = requireCustomer(principal);
    audit.objects.push({ type: 'user', id: caller.userId });
    return ok(await updateOwnProfile(selfServiceDeps(), caller, body));
  },
);
