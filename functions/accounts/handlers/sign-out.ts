import { httpHandler } from '../../shared/composition/http-handler';
import { UnauthenticatedError } from '../../shared/errors';
import { noContent } from '../../shared/http/responses';
import { signOutEverywhere } from '../core/users';
import { selfServiceDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.signOut, async ({ principal, accessToken, audit }) => {
  if (!accessToken) throw new UnauthenticatedError('An access token is required.');
  audit.objects.push({ type: 'user', id: principal.userId });
  await signOutEverywhere(selfServiceDeps(), principal, accessToken);
  return noContent();
});
