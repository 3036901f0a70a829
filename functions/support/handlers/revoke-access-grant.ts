import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { revokeGrant } from '../core/grants';
import { grantDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.revokeAccessGrant, async ({ principal, params }) =>
  ok(await revokeGrant(grantDeps(), principal, params.grantId)),
);
