import type { IssuePartUrlsBody } from '#schemas/imaging/upload-session';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { routeById } from '../../shared/routes';
import { issuePartUrls } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../upload-deps';
import { pathSessionId, targetStudy } from './upload-session-http';

export const handler = httpHandler<IssuePartUrlsBody>(
  routeById('issueUploadPartUrls'),
  async ({ principal, params, body, audit }) => {
    const sessionId = pathSessionId(params);
    audit.objects.push({ type: 'upload', id: sessionId });
    const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock };
    const { session, upload } = await issuePartUrls(
      deps,
      requireCustomer(principal),
      sessionId,
      body.partNumbers,
    );
    audit.objects.push(...targetStudy(session));
    return ok(upload);
  },
);
