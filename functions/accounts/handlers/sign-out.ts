import { UnauthenticatedError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { noContent } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { signOutEverywhere } from '../core/users';
import { selfServiceDeps } from '../deps';

export const handler = httpHandler(routeById('signOut'), async ({ principal, accessToken, audit }) => {
  const caller = requireCustomer(principal);
  if (!accessToken) throw new UnauthenticatedError('An access token is required.');
  audit.objects.push({ type: 'user', id: caller.userId });
  await signOutEverywhere(selfServiceDeps(), caller, accessToken);
  return noContent();
});
