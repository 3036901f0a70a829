import { httpHandler } from '../../shared/composition/http-handler';
import { ShareUnavailableError, sharedSession } from '../core/redemption';
import { sharingDeps } from '../deps';
import { noteShare } from '../http/recipient-http';
import { landingPage, seeOther, unavailablePage } from '../http/share-pages';
import { sessionTokenOf } from '../http/share-session-cookie';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(sharingRoutes.openSharePage, async ({ params, raw, audit }) => {
  try {
    const { share, session } = await sharedSession(sharingDeps(), params.token, sessionTokenOf(raw));
    noteShare(audit, share);
    return session === 'open' ? seeOther(`/s/${params.token}/view`) : landingPage(params.token);
  } catch (error) {
    if (error instanceof ShareUnavailableError) return unavailablePage(404, error.message);
    throw error;
  }
});
