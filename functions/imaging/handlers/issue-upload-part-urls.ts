import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { issuePartUrls } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.issueUploadPartUrls,
  async ({ principal, params, body, audit }) => {
    const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock };
    const { session, upload } = await issuePartUrls(deps, principal, params.session, body.partNumbers);
    audit.objects.push(...targetStudy(session));
    return ok(upload);
  },
);
