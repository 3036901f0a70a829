import * as z from 'zod';
import { IdSchema } from '#schemas/accounts/entities';
import {
  CreateGrantBodySchema,
  GrantCreatedSchema,
  SupportAccessLogSchema,
  SupportAccessQuerySchema,
  SupportGrantSchema,
  SupportSettingsSchema,
} from '#schemas/support/grants';
import {
  AnswerTicketBodySchema,
  CreateTicketBodySchema,
  StaffTicketQuerySchema,
  TicketListSchema,
  TicketMessageSchema,
  TicketSchema,
  TicketSummarySchema,
} from '#schemas/support/tickets';
import { defineRoute, type PathParameter } from '../shared/http/route';

const ticketIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'A support ticket.',
};
const grantIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'A support access grant to your organization.',
};
const supportEngineers = { kind: 'workforce', group: 'support-engineer' } as const;

/**
 * Support that can only look [PP-05, PP-08, PP-09]: tickets kept sealed, time-boxed read-only access
 * grants with a reason, and the log of every support access for the organization's administrators.
 */
export const supportRoutes = {
  createTicket: defineRoute('support', 'createTicket', {
    method: 'POST',
    path: '/v1/support/tickets',
    handler: 'support/handlers/create-ticket',
    pathParameters: {},
    summary: 'Ask PACScribe support for help; the message and your address are kept encrypted [PP-05].',
    access: { kind: 'member' },
    audit: 'support-ticket-opened',
    bindings: ['support-table:write', 'support-messages:key'],
    request: { body: CreateTicketBodySchema, maxBodyBytes: 64 * 1024 },
    responses: { 201: { description: 'The ticket.', schema: TicketSummarySchema } },
  }),
  listTickets: defineRoute('support', 'listTickets', {
    method: 'GET',
    path: '/v1/support/tickets',
    handler: 'support/handlers/list-tickets',
    pathParameters: {},
    summary: "Your tickets; with permission to manage users, all of the organization's.",
    access: { kind: 'member' },
    audit: 'support-tickets-listed',
    bindings: ['support-table:read', 'support-messages:key'],
    responses: { 200: { description: 'The tickets, newest first.', schema: TicketListSchema } },
  }),
  getTicket: defineRoute('support', 'getTicket', {
    method: 'GET',
    path: '/v1/support/tickets/{ticketId}',
    handler: 'support/handlers/get-ticket',
    pathParameters: { ticketId: ticketIdParameter },
    auditedParameters: { ticketId: 'ticket' },
    summary: 'One ticket with its messages.',
    access: { kind: 'member' },
    audit: 'support-ticket-read',
    bindings: ['support-table:read', 'support-messages:key'],
    responses: {
      200: { description: 'The ticket.', schema: TicketSchema },
      404: { description: 'No such ticket that you may read.' },
    },
  }),
  answerTicket: defineRoute('support', 'answerTicket', {
    method: 'POST',
    path: '/v1/support/tickets/{ticketId}/messages',
    handler: 'support/handlers/answer-ticket',
    pathParameters: { ticketId: ticketIdParameter },
    auditedParameters: { ticketId: 'ticket' },
    summary:
      'PACScribe support engineers: answer a ticket (the customer is told by mail), optionally closing it.',
    access: supportEngineers,
    audit: 'support-ticket-answered',
    bindings: ['support-table:write', 'support-messages:key', 'mail:send'],
    request: { body: AnswerTicketBodySchema, maxBodyBytes: 64 * 1024 },
    responses: {
      201: {
        description: 'The answer.',
        schema: z.object({ ticket: TicketSummarySchema, message: TicketMessageSchema }),
      },
      404: { description: 'No such ticket.' },
    },
  }),
  listStaffQueue: defineRoute('support', 'listStaffQueue', {
    method: 'GET',
    path: '/v1/workforce/support/tickets',
    handler: 'support/handlers/list-staff-queue',
    pathParameters: {},
    summary: "PACScribe support engineers: every organization's tickets, newest activity first.",
    access: supportEngineers,
    audit: 'support-tickets-listed',
    bindings: ['support-table:read', 'support-messages:key'],
    request: { query: StaffTicketQuerySchema },
    responses: { 200: { description: 'The queue.', schema: TicketListSchema } },
  }),
  readStaffTicket: defineRoute('support', 'readStaffTicket', {
    method: 'GET',
    path: '/v1/workforce/support/tickets/{ticketId}',
    handler: 'support/handlers/read-staff-ticket',
    pathParameters: { ticketId: ticketIdParameter },
    auditedParameters: { ticketId: 'ticket' },
    summary:
      'PACScribe support engineers: one ticket with its messages (recorded in its organization’s trail).',
    access: supportEngineers,
    audit: 'support-ticket-read',
    bindings: ['support-table:read', 'support-messages:key'],
    responses: {
      200: { description: 'The ticket.', schema: TicketSchema },
      404: { description: 'No such ticket.' },
    },
  }),
  createAccessGrant: defineRoute('support', 'createAccessGrant', {
    method: 'POST',
    path: '/v1/support/access-grants',
    handler: 'support/handlers/create-access-grant',
    pathParameters: {},
    summary:
      'PACScribe support engineers: time-boxed read-only access to an organization for one of its open tickets, with a reason; its administrators are mailed [PP-08].',
    access: supportEngineers,
    audit: 'support-grant-created',
    bindings: ['support-table:write', 'mail:send'],
    request: { body: CreateGrantBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      201: { description: 'The grant: active, or awaiting approval.', schema: GrantCreatedSchema },
      404: { description: 'No such ticket for that organization.' },
      409: { description: 'The ticket is closed.' },
    },
  }),
  approveAccessGrant: defineRoute('support', 'approveAccessGrant', {
    method: 'POST',
    path: '/v1/support/access-grants/{grantId}/approve',
    handler: 'support/handlers/approve-access-grant',
    pathParameters: { grantId: grantIdParameter },
    auditedParameters: { grantId: 'support-grant' },
    summary: 'Approve a pending support access grant; its time starts now.',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'support-grant-approved',
    bindings: ['support-table:write', 'mail:send'],
    responses: {
      200: { description: 'The grant, active.', schema: SupportGrantSchema },
      404: { description: 'No such grant to your organization.' },
      409: { description: 'The grant is not awaiting approval.' },
    },
  }),
  revokeAccessGrant: defineRoute('support', 'revokeAccessGrant', {
    method: 'DELETE',
    path: '/v1/support/access-grants/{grantId}',
    handler: 'support/handlers/revoke-access-grant',
    pathParameters: { grantId: grantIdParameter },
    auditedParameters: { grantId: 'support-grant' },
    summary: 'End a support access grant now; requests under it are refused from then on.',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'support-grant-revoked',
    bindings: ['support-table:write'],
    responses: {
      200: { description: 'The grant, revoked.', schema: SupportGrantSchema },
      404: { description: 'No such grant to your organization.' },
    },
  }),
  listSupportAccess: defineRoute('support', 'listSupportAccess', {
    method: 'GET',
    path: '/v1/support-access',
    handler: 'support/handlers/list-support-access',
    pathParameters: {},
    summary:
      'Every support access to your organization: who, when, why, and what was viewed or refused [PP-09].',
    access: { kind: 'action', action: 'view-audit' },
    audit: 'support-access-log-read',
    bindings: ['support-table:read', 'audit-table:read'],
    request: { query: SupportAccessQuerySchema },
    responses: { 200: { description: 'Grants with their accesses.', schema: SupportAccessLogSchema } },
  }),
  getSupportSettings: defineRoute('support', 'getSupportSettings', {
    method: 'GET',
    path: '/v1/support/settings',
    handler: 'support/handlers/get-support-settings',
    pathParameters: {},
    summary: "Whether support access to the organization needs an administrator's approval.",
    access: { kind: 'action', action: 'manage-users', supportView: true },
    audit: 'support-settings-read',
    bindings: ['support-table:read'],
    responses: { 200: { description: 'The settings.', schema: SupportSettingsSchema } },
  }),
  updateSupportSettings: defineRoute('support', 'updateSupportSettings', {
    method: 'PUT',
    path: '/v1/support/settings',
    handler: 'support/handlers/update-support-settings',
    pathParameters: {},
    summary:
      "Require (or stop requiring) an administrator's approval before support can view the organization.",
    access: { kind: 'action', action: 'manage-users' },
    audit: 'support-settings-changed',
    bindings: ['support-table:write'],
    request: { body: SupportSettingsSchema, maxBodyBytes: 1024 },
    responses: { 200: { description: 'The settings.', schema: SupportSettingsSchema } },
  }),
};
