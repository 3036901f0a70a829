import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { shareAccessLog } from '../core/shares';
import { sharingDeps } from '../deps';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(sharingRoutes.getShareAccess, async ({ principal, params }) =>
  ok(await shareAccessLog(sharingDeps(), principal, params.shareId)),
);
