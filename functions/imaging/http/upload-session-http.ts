import type { AuditObject } from '#schemas/audit/audit-event';
import type { UploadSession } from '../core/upload-ports';

/** The study a session was opened for, as an audit object. */
export const targetStudy = (session: Pick<UploadSession, 'studyInstanceUid'>): AuditObject[] =>
  session.studyInstanceUid ? [{ type: 'study', id: session.studyInstanceUid }] : [];
