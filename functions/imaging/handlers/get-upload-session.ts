import { readingHttpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { systemClock } from '../../shared/ports';
import { getUploadSession } from '../core/upload-sessions';
import { uploadSessions } from '../deps';
import { targetStudy } from '../http/upload-session-http';
import { imagingRoutes } from '../routes';

/** Polled while a large upload is ingested: the session's record is read beside the membership. */
export const handler = readingHttpHandler(
  imagingRoutes.getUploadSession,
  ({ reader, params }) => uploadSessions().get(reader.orgId, params.session),
  async ({ principal, params, audit, read }) => {
    const deps = { sessions: uploadSessions(), clock: systemClock };
    const { session, view, studies } = await getUploadSession(deps, principal, params.session, read());
    // The store response names the instances stored: the studies they belong to are what was read.
    audit.objects.push(
      ...targetStudy(session),
      ...studies.map((study) => ({ type: 'study' as const, id: study })),
    );
    return ok(view);
  },
);
