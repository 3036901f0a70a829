import { httpHandler } from '../../shared/composition/http-handler';
import { noContent } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { abortUploadSession } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.abortUploadSession, async ({ principal, params, audit }) => {
  const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock };
  const session = await abortUploadSession(deps, principal, params.session);
  audit.objects.push(...targetStudy(session));
  return noContent();
});
