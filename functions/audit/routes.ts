import {
  AuditEventPageSchema,
  AuditQuerySchema,
  WorkforceAuditQuerySchema,
} from '#schemas/audit/audit-query';
import { defineRoute } from '../shared/http/route';

/** A JSON page, or the same page as a spreadsheet (format=csv|xlsx). */
const AUDIT_PAGE_MEDIA_TYPES = [
  'application/json',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** Reading the audit trail: an organization's own, and PACScribe compliance staff's reasoned reads. */
export const auditRoutes = {
  queryAuditEvents: defineRoute('audit', 'queryAuditEvents', {
    method: 'GET',
    path: '/v1/audit-events',
    handler: 'audit/handlers/query-audit-events',
    pathParameters: {},
    summary:
      "Your organization's audit trail, filtered by time, actor, action, outcome, patient or study; JSON pages or CSV/XLSX downloads.",
    access: { kind: 'action', action: 'view-audit' },
    audit: 'audit-log-used',
    bindings: ['audit-table:read'],
    request: { query: AuditQuerySchema },
    responses: {
      200: {
        description: 'A page of events (JSON), or a CSV/XLSX file with X-Next-Cursor when more follow.',
        schema: AuditEventPageSchema,
        mediaTypes: AUDIT_PAGE_MEDIA_TYPES,
      },
    },
  }),
  queryAuditEventsAcrossOrganizations: defineRoute('audit', 'queryAuditEventsAcrossOrganizations', {
    method: 'GET',
    path: '/v1/workforce/audit-events',
    handler: 'audit/handlers/query-audit-events-across-organizations',
    pathParameters: {},
    summary:
      "PACScribe compliance staff: one organization's trail, with a stated reason that is itself audited.",
    access: { kind: 'workforce', group: 'compliance-reviewer', target: { query: 'orgId' } },
    audit: 'audit-log-used',
    bindings: ['audit-table:read', 'accounts-table:read'],
    request: { query: WorkforceAuditQuerySchema },
    responses: {
      200: {
        description: 'A page of events, or a CSV/XLSX file.',
        schema: AuditEventPageSchema,
        mediaTypes: AUDIT_PAGE_MEDIA_TYPES,
      },
      404: { description: 'No such organization.' },
    },
  }),
};
