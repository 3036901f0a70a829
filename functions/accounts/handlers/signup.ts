import { httpHandler } from '../../shared/composition/http-handler';
import { accepted } from '../../shared/http/responses';
import { requestSignup } from '../core/signup';
import { signupRequestDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.signup, async ({ body }) =>
  accepted(await requestSignup(signupRequestDeps(), body)),
);
