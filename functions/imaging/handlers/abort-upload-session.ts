import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { noContent } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { routeById } from '../../shared/routes';
import { abortUploadSession } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../upload-deps';
import { pathSessionId, targetStudy } from './upload-session-http';

export const handler = httpHandler(routeById('abortUploadSession'), async ({ principal, params, audit }) => {
  const sessionId = pathSessionId(params);
  audit.objects.push({ type: 'upload', id: sessionId });
  const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock };
  const session = await abortUploadSession(deps, requireCustomer(principal), sessionId);
  audit.objects.push(...targetStudy(session));
  return noContent();
});
