import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listStaffQueue } from '../core/tickets';
import { supportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.listStaffQueue, async ({ query }) =>
  ok({ tickets: await listStaffQueue(supportDeps(), query) }),
);
