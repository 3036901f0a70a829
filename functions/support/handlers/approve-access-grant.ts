import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { approveGrant } from '../core/grants';
import { grantDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.approveAccessGrant, async ({ principal, params }) =>
  ok(await approveGrant(grantDeps(), principal, params.grantId)),
);
