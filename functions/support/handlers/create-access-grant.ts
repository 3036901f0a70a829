import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { requestGrant } from '../core/grants';
import { grantDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.createAccessGrant, async ({ principal, body, audit }) => {
  // Recorded in the trail of the organization asked for, granted or not, with the reason given.
  audit.subject = { orgId: body.orgId, userId: null };
  audit.reason = body.reason;
  audit.objects.push({ type: 'ticket', id: body.ticketId });
  const grant = await requestGrant(grantDeps(), principal, body);
  audit.objects.push({ type: 'support-grant', id: grant.grantId });
  return created({ grantId: grant.grantId, status: grant.status, expiresAt: grant.expiresAt });
});
