import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { revokeShare } from '../core/shares';
import { sharingDeps } from '../deps';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(sharingRoutes.revokeShare, async ({ principal, params }) =>
  ok(await revokeShare(sharingDeps(), principal, params.shareId)),
);
