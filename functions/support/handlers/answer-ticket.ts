import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { answerTicket } from '../core/tickets';
import { notifyingSupportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.answerTicket, async ({ principal, params, body, audit }) => {
  const answer = await answerTicket(notifyingSupportDeps(), principal, params.ticketId, body);
  audit.subject = { orgId: answer.ticket.orgId, userId: null };
  return created(answer);
});
