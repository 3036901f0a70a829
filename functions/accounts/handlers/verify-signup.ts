import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { verifySignup } from '../core/signup';
import { signupVerificationDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.verifySignup, async ({ body, audit }) => {
  const account = await verifySignup(signupVerificationDeps(), body);
  audit.subject = { orgId: account.orgId, userId: account.userId };
  audit.objects.push({ type: 'organization', id: account.orgId }, { type: 'user', id: account.userId });
  return created(account);
});
