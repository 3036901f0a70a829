import { httpHandler } from '../../shared/http/http-handler';
import { pathId, requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { resendInvitation } from '../core/users';
import { userManagementDeps } from '../deps';

export const handler = httpHandler(routeById('resendInvitation'), async ({ principal, params, audit }) => {
  const userId = pathId(params, 'userId');
  audit.objects.push({ type: 'user', id: userId });
  return ok(await resendInvitation(userManagementDeps(), requireCustomer(principal), userId));
});
