import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { signUp } from '../core/signup';
import { signupDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.signup, async ({ body, audit }) => {
  const account = await signUp(signupDeps(), body);
  audit.subject = { orgId: account.orgId, userId: account.userId };
  audit.objects.push({ type: 'organization', id: account.orgId }, { type: 'user', id: account.userId });
  return created(account);
});
