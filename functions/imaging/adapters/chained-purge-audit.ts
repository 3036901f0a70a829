import type { AuditObject } from '#schemas/audit/audit-event';
import { type AuditLog, buildAuditRecord } from '../../audit/core/audit-trail';
import type { Clock, IdGenerator } from '../../shared/ports';
import type { DeletionRecord, SystemAudit } from '../core/recoverable-deletes';

/** The purge's records, in the organization's own trail, naming PACScribe as the actor. */
export class ChainedPurgeAudit implements SystemAudit {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async studyPurged(record: DeletionRecord, removed: { primary: number; replica: number }): Promise<void> {
    const objects: AuditObject[] = [{ type: 'study', id: record.study }];
    if (record.series) objects.push({ type: 'series', id: record.series });
    if (record.instance) objects.push({ type: 'instance', id: record.instance });
    if (record.patientId) objects.push({ type: 'patient', id: record.patientId });
    await this.log.append(
      buildAuditRecord(
        {
          event: 'study-purged',
          orgId: record.orgId,
          actor: { kind: 'system', userId: null, role: 'retention-purge' },
          source: { ip: null, userAgent: null },
          requestId: `purge-${record.deletionId}`,
          route: 'SCHEDULE purge-deleted-studies',
          httpStatus: 200,
          objects,
          reason: `Retention ended ${record.purgeAfter} (deleted ${record.deletedAt} by ${record.deletedBy}); ${record.instances} instances; object versions removed: ${removed.primary} primary, ${removed.replica} replica.`,
        },
        this.ids.newId(),
        this.clock.now(),
      ),
    );
  }
}
