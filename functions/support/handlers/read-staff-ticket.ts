import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { readTicket } from '../core/tickets';
import { supportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.readStaffTicket, async ({ params, audit }) => {
  const ticket = await readTicket(supportDeps(), null, params.ticketId);
  // Staff reading a customer's ticket is recorded in that customer's trail.
  audit.subject = { orgId: ticket.orgId, userId: null };
  return ok(ticket);
});
