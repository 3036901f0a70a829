import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { updateOwnProfile } from '../core/users';
import { selfServiceDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.updateMe, async ({ principal, body, audit }) => {
  audit.objects.push({ type: 'user', id: principal.userId });
  return ok(await updateOwnProfile(selfServiceDeps(), principal, body));
});
