import type { CreateUploadSessionBody } from '#schemas/imaging/upload-session';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { created } from '../../shared/http/responses';
import { systemClock, uuidIds } from '../../shared/ports';
import { routeById } from '../../shared/routes';
import { createUploadSession, viewOf } from '../core/upload-sessions';
import { stagingArea, uploadSessions } from '../upload-deps';
import { targetStudy } from './upload-session-http';

export const handler = httpHandler<CreateUploadSessionBody>(
  routeById('createUploadSession'),
  async ({ principal, body, audit }) => {
    const deps = { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock, ids: uuidIds };
    const { session, upload } = await createUploadSession(deps, requireCustomer(principal), body);
    audit.objects.push({ type: 'upload', id: session.sessionId }, ...targetStudy(session));
    return created({ ...viewOf(session, null), upload });
  },
);
