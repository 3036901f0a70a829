import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { supportAccessLog } from '../core/grants';
import { supportAccessDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.listSupportAccess, async ({ principal, query }) =>
  ok(await supportAccessLog(supportAccessDeps(), principal.orgId, query)),
);
