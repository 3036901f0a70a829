import { httpHandler } from '../../shared/composition/http-handler';
import { accepted } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { completeUploadSession, viewOf } from '../core/upload-sessions';
import { stagingArea, uploadIngestWorkflow, uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

/** 202: the ingest runs asynchronously; poll GET …/upload-sessions/{session} for its outcome. */
export const handler = httpHandler(
  imagingRoutes.completeUploadSession,
  async ({ principal, params, body, audit }) => {
    const deps = {
      sessions: uploadSessions(),
      staging: stagingArea(),
      ingest: uploadIngestWorkflow(),
      clock: systemClock,
    };
    const session = await completeUploadSession(deps, principal, params.session, body);
    audit.objects.push(...targetStudy(session));
    return accepted(viewOf(session, null));
  },
);
