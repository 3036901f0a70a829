import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { getUploadSession } from '../core/upload-sessions';
import { uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.getUploadSession, async ({ principal, params, audit }) => {
  const deps = { sessions: uploadSessions(), clock: systemClock };
  const { session, view, studies } = await getUploadSession(deps, principal, params.session);
  // The store response names the instances stored: the studies they belong to are what was read.
  audit.objects.push(
    ...targetStudy(session),
    ...studies.map((study) => ({ type: 'study' as const, id: study })),
  );
  return ok(view);
});
