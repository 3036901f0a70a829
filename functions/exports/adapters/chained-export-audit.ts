import { type AuditLog, buildAuditRecord } from '../../audit/core/audit-trail';
import type { Clock, IdGenerator } from '../../shared/ports';
import type { ExportAudit } from '../core/ports';

/** The route whose request started the workflow; the workflow's own records name it. */
const REQUEST_ROUTE = 'POST /v1/exports';

/**
 * The workflow's records in the organization's trail, through the same audit log as every request: how
 * the export ended, acting for the member who asked for it.
 */
export class ChainedExportAudit implements ExportAudit {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async exportEnded(
    job: { orgId: string; exportId: string; requestedBy: string },
    outcome: 'succeeded' | 'failed',
    detail: string,
  ): Promise<void> {
    await this.log.append(
      buildAuditRecord(
        {
          event: outcome === 'succeeded' ? 'export-completed' : 'export-failed',
          orgId: job.orgId,
          actor: { kind: 'customer', userId: job.requestedBy, role: null },
          source: { ip: null, userAgent: null },
          requestId: `export-${job.exportId}`,
          route: REQUEST_ROUTE,
          httpStatus: outcome === 'succeeded' ? 200 : 500,
          objects: [
            { type: 'organization', id: job.orgId },
            { type: 'export', id: job.exportId },
          ],
          reason: detail,
        },
        this.ids.newId(),
        this.clock.now(),
      ),
    );
  }
}
