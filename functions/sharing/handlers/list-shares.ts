import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listShares } from '../core/shares';
import { sharingDeps } from '../deps';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(sharingRoutes.listShares, async ({ principal }) =>
  ok({ shares: await listShares(sharingDeps(), principal) }),
);
