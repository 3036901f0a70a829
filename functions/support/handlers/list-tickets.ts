import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listOrganizationTickets } from '../core/tickets';
import { supportDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.listTickets, async ({ principal }) =>
  ok({ tickets: await listOrganizationTickets(supportDeps(), principal) }),
);
