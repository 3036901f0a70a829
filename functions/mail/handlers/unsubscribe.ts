import { accountsRepository } from '../../accounts/deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { NotFoundError } from '../../shared/errors';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { unsubscribeMember } from '../core/preferences';
import { verifyUnsubscribeToken } from '../core/unsubscribe-token';
import { preferenceDeps, unsubscribeLinkKey } from '../deps';
import { mailRoutes } from '../routes';

/** RFC 8058 one-click POST: no login; the signed link names the member; effective at once [PP-03]. */
export const handler = httpHandler(mailRoutes.unsubscribe, async ({ params, audit }) => {
  const userId = verifyUnsubscribeToken(await unsubscribeLinkKey().secret(), params.token, systemClock.now());
  const member = userId ? await accountsRepository().getMember(userId) : null;
  if (!member) throw new NotFoundError('This unsubscribe link is not valid.');
  audit.subject = { orgId: member.orgId, userId: member.userId };
  audit.objects.push({ type: 'user', id: member.userId });
  return ok(await unsubscribeMember(preferenceDeps(), member));
});
