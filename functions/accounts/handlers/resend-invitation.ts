import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { resendInvitation } from '../core/users';
import { userManagementDeps } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.resendInvitation, async ({ principal, params }) =>
  ok(await resendInvitation(userManagementDeps(), principal, params.userId)),
);
