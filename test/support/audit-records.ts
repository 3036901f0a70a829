import { type AuditFacts, buildAuditRecord } from '../../functions/audit/core/audit-trail';
import type { AuditRecord } from '../../schemas/audit/audit-event';

/** A realistic audit record (a clinician reading their profile), with whatever a test needs changed. */
export function auditRecordFixture(
  overrides: Partial<AuditFacts> = {},
  recordId = 'rec-1',
  at = new Date('2026-11-24T12:00:00.000Z'),
): AuditRecord {
  return buildAuditRecord(
    {
      event: 'account-read',
      orgId: 'org-a',
      actor: { kind: 'customer', userId: 'u1', role: 'clinician' },
      source: { ip: '203.0.113.9', userAgent: 'viewer' },
      requestId: 'r1',
      route: 'GET /v1/me',
      httpStatus: 200,
      objects: [],
      reason: null,
      ...overrides,
    },
    recordId,
    at,
  );
}
