import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { readTicket } from '../core/tickets';
import { supportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.getTicket, async ({ principal, params }) =>
  ok(await readTicket(supportDeps(), principal, params.ticketId)),
);
