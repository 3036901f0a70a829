import type { AuditObject } from '#schemas/audit/audit-event';
import { pathId } from '../../shared/http/path-parameters';
import type { UploadSession } from '../core/upload-ports';

/** A malformed session id cannot name anything: it answers like a missing one. */
export const pathSessionId = (params: Readonly<Record<string, string>>) => pathId(params, 'session');

/** The study a session was opened for, as an audit object. */
export const targetStudy = (session: Pick<UploadSession, 'studyInstanceUid'>): AuditObject[] =>
  session.studyInstanceUid ? [{ type: 'study', id: session.studyInstanceUid }] : [];
