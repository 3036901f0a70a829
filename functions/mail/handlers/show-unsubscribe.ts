import { httpHandler } from '../../shared/composition/http-handler';
import { NotFoundError } from '../../shared/errors';
import { systemClock } from '../../shared/ports';
import { verifyUnsubscribeToken } from '../core/unsubscribe-token';
import { unsubscribeLinkKey } from '../deps';
import { unsubscribePage } from '../http/unsubscribe-page';
import { mailRoutes } from '../routes';

/** GET of the link: a confirmation page only; nothing is read or written [PP-03]. */
export const handler = httpHandler(mailRoutes.showUnsubscribe, async ({ params }) => {
  const userId = verifyUnsubscribeToken(await unsubscribeLinkKey().secret(), params.token, systemClock.now());
  if (!userId) throw new NotFoundError('This unsubscribe link is not valid.');
  return unsubscribePage(`/v1/unsubscribe/${params.token}`);
});
