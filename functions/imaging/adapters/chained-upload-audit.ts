import type { AuditObject } from '#schemas/audit/audit-event';
import { type AuditLog, buildAuditRecord } from '../../audit/core/audit-trail';
import type { Clock, IdGenerator } from '../../shared/ports';
import type { InstanceOutcome } from '../core/store-instances';
import type { UploadAuditTrail, UploadSession } from '../core/upload-ports';

/** The route whose request started the ingest; the audit records of the ingest name it. */
const COMPLETE_ROUTE = 'POST /dicomweb/upload-sessions/{session}/complete';
const PROCESSING_FAILURE = 0x0110;

/**
 * Writes what the ingest does into the organization's audit trail, through the same audit log as every
 * HTTP request: one 'instances-stored' record per instance, stored (outcome 0) or refused (4, or 8 when
 * it was PACScribe's fault), acting for the user who opened the session.
 */
export class ChainedUploadAudit implements UploadAuditTrail {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async instanceProcessed(session: UploadSession, outcome: InstanceOutcome): Promise<void> {
    const objects: AuditObject[] = [{ type: 'upload', id: session.sessionId }];
    if (outcome.status === 'stored') {
      objects.push(
        { type: 'study', id: outcome.studyInstanceUid },
        { type: 'series', id: outcome.seriesInstanceUid },
        { type: 'instance', id: outcome.sopInstanceUid },
      );
      if (outcome.patientId) objects.push({ type: 'patient', id: outcome.patientId });
    } else if (outcome.sopInstanceUid) {
      objects.push({ type: 'instance', id: outcome.sopInstanceUid });
    }
    const httpStatus =
      outcome.status === 'stored' ? 200 : outcome.failureReason === PROCESSING_FAILURE ? 503 : 400;
    await this.log.append(
      buildAuditRecord(
        {
          event: 'instances-stored',
          orgId: session.orgId,
          actor: { kind: 'customer', userId: session.createdBy.userId, role: session.createdBy.role },
          source: { ip: null, userAgent: null },
          requestId: `upload-${session.sessionId}`,
          route: COMPLETE_ROUTE,
          httpStatus,
          objects,
          reason: null,
        },
        this.ids.newId(),
        this.clock.now(),
      ),
    );
  }
}
