import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { routeById } from '../../shared/routes';
import { getUploadSession } from '../core/upload-sessions';
import { uploadSessions } from '../upload-deps';
import { pathSessionId, targetStudy } from './upload-session-http';

export const handler = httpHandler(routeById('getUploadSession'), async ({ principal, params, audit }) => {
  const sessionId = pathSessionId(params);
  audit.objects.push({ type: 'upload', id: sessionId });
  const deps = { sessions: uploadSessions(), clock: systemClock };
  const { session, view, studies } = await getUploadSession(deps, requireCustomer(principal), sessionId);
  // The store response names the instances stored: the studies they belong to are what was read.
  audit.objects.push(...targetStudy(session));
  for (const study of studies) {
    if (study !== session.studyInstanceUid) audit.objects.push({ type: 'study', id: study });
  }
  return ok(view);
});
