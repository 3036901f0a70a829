import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { systemClock, uuidIds } from '../../shared/ports';
import { createUploadSession, viewOf } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.createUploadSession, async ({ principal, body, audit }) => {
  const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock, ids: uuidIds };
  const { session, upload } = await createUploadSession(deps, principal, body);
  audit.objects.push({ type: 'upload', id: session.sessionId }, ...targetStudy(session));
  return created({ ...viewOf(session, null), upload });
});
