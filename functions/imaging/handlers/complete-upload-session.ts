import type { CompleteUploadSessionBody } from '#schemas/imaging/upload-session';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { systemClock } from '../../shared/ports';
import { routeById } from '../../shared/routes';
import { completeUploadSession, viewOf } from '../core/upload-sessions';
import { stagingArea, uploadIngestWorkflow, uploadSessions } from '../upload-deps';
import { pathSessionId, targetStudy } from './upload-session-http';

/** 202: the ingest runs asynchronously; poll GET …/upload-sessions/{session} for its outcome. */
export const handler = httpHandler<CompleteUploadSessionBody>(
  routeById('completeUploadSession'),
  async ({ principal, params, body, audit }) => {
    const sessionId = pathSessionId(params);
    audit.objects.push({ type: 'upload', id: sessionId });
    const deps = {
      sessions: uploadSessions(),
      staging: stagingArea(),
      ingest: uploadIngestWorkflow(),
      clock: systemClock,
    };
    const session = await completeUploadSession(deps, requireCustomer(principal), sessionId, body);
    audit.objects.push(...targetStudy(session));
    return { statusCode: 202, body: viewOf(session, null) };
  },
);
