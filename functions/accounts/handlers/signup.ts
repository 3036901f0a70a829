import type { SignupBody } from '#schemas/accounts/signup';
import { httpHandler } from '../../shared/http/http-handler';
import { created } from '../../shared/http/responses';
import { routeById } from '../../shared/routes';
import { signUp } from '../core/signup';
import { signupDeps } from '../deps';

export const handler = httpHandler<SignupBody>(routeById('signup'), async ({ body, audit }) => {
  const account = await signUp(signupDeps(), body);
  audit.subject = { orgId: account.orgId, userId: account.userId };
  audit.objects.push({ type: 'organization', id: account.orgId }, { type: 'user', id: account.userId });
  return created(account);
});
