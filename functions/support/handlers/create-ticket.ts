import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { openCustomerTicket } from '../core/tickets';
import { supportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.createTicket, async ({ principal, body, audit }) => {
  const ticket = await openCustomerTicket(supportDeps(), principal, body);
  audit.objects.push({ type: 'ticket', id: ticket.ticketId });
  return created(ticket);
});
