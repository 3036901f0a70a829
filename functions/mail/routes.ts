import {
  CommunicationPreferencesSchema,
  UnsubscribeResultSchema,
  UnsubscribeTokenSchema,
  UpdateCommunicationPreferencesBodySchema,
} from '#schemas/mail/preferences';
import { SuppressionListSchema } from '#schemas/mail/suppressions';
import { defineRoute, type PathParameter } from '../shared/http/route';

const unsubscribeToken: PathParameter = {
  schema: UnsubscribeTokenSchema,
  malformed: 'not-found',
  description: 'The signed token of a marketing mail’s unsubscribe link (user id and expiry, HMAC-signed).',
};

const PUBLIC_UNSUBSCRIBE =
  'RFC 8058 one-click unsubscribe: mail clients POST without any login. The HMAC-signed token is the credential (user id and expiry, no address); a forged or expired one changes nothing, and the WAF rate-limits the path per IP.';

/**
 * Mail that respects people [PP-03, PP-19, PP-20, PP-21, PP-22]: everyone's communication preferences
 * (marketing in or out; transactional always on), the one-click unsubscribe, and the addresses SES
 * reported as bouncing or complaining, for those who manage the organization's users.
 */
export const mailRoutes = {
  getCommunicationPreferences: defineRoute('mail', 'getCommunicationPreferences', {
    method: 'GET',
    path: '/v1/me/communication-preferences',
    handler: 'mail/handlers/get-communication-preferences',
    pathParameters: {},
    summary:
      'Your mail preferences: marketing in or out, transactional mail always on, and how far your latest change has reached every marketing system (overdue if past its 10-business-day deadline) [PP-20, PP-21].',
    access: { kind: 'member' },
    audit: 'communication-preferences-read',
    bindings: ['mail-table:read'],
    responses: { 200: { description: 'The preferences.', schema: CommunicationPreferencesSchema } },
  }),
  updateCommunicationPreferences: defineRoute('mail', 'updateCommunicationPreferences', {
    method: 'PUT',
    path: '/v1/me/communication-preferences',
    handler: 'mail/handlers/update-communication-preferences',
    pathParameters: {},
    summary:
      'Opt in to or out of marketing mail; takes effect at once and reaches every marketing system within 10 US business days. Transactional mail cannot be turned off [PP-03, PP-20, PP-22].',
    access: { kind: 'member' },
    audit: 'communication-preferences-changed',
    bindings: ['mail-table:write', 'preference-workflow:start'],
    request: { body: UpdateCommunicationPreferencesBodySchema, maxBodyBytes: 1024 },
    responses: {
      200: { description: 'The preferences after the change.', schema: CommunicationPreferencesSchema },
      400: { description: 'transactional_mail_required: transactional mail cannot be turned off.' },
    },
  }),
  showUnsubscribe: defineRoute('mail', 'showUnsubscribe', {
    method: 'GET',
    path: '/v1/unsubscribe/{token}',
    handler: 'mail/handlers/show-unsubscribe',
    pathParameters: { token: unsubscribeToken },
    summary:
      'The unsubscribe link opened in a browser: a confirmation page with a button. It changes nothing, so link scanners cannot unsubscribe anyone [PP-03].',
    access: { kind: 'public', reason: PUBLIC_UNSUBSCRIBE },
    audit: null,
    bindings: ['unsubscribe-links:key'],
    responses: {
      200: { description: 'The confirmation page.', mediaTypes: ['text/html'] },
      404: { description: 'The link is not genuine or has expired.' },
    },
  }),
  unsubscribe: defineRoute('mail', 'unsubscribe', {
    method: 'POST',
    path: '/v1/unsubscribe/{token}',
    handler: 'mail/handlers/unsubscribe',
    pathParameters: { token: unsubscribeToken },
    summary:
      'One-click unsubscribe from marketing mail (RFC 8058), without login: takes effect at once; a second POST changes nothing [PP-03].',
    access: { kind: 'public', reason: PUBLIC_UNSUBSCRIBE },
    audit: 'marketing-unsubscribed',
    bindings: [
      'unsubscribe-links:key',
      'accounts-table:read',
      'mail-table:write',
      'preference-workflow:start',
    ],
    request: {
      rawBody: {
        mediaType: 'application/x-www-form-urlencoded',
        description: 'List-Unsubscribe=One-Click (RFC 8058), or empty; the body is not needed.',
      },
      maxBodyBytes: 1024,
    },
    responses: {
      200: { description: 'Unsubscribed (or already).', schema: UnsubscribeResultSchema },
      404: { description: 'The link is not genuine or has expired.' },
    },
  }),
  listSuppressions: defineRoute('mail', 'listSuppressions', {
    method: 'GET',
    path: '/v1/mail/suppressions',
    handler: 'mail/handlers/list-suppressions',
    pathParameters: {},
    summary:
      "Your organization's users' addresses that bounced permanently or complained: marketing never goes to them.",
    access: { kind: 'action', action: 'manage-users' },
    audit: 'mail-suppressions-listed',
    bindings: ['mail-table:read'],
    responses: { 200: { description: 'The suppressed addresses.', schema: SuppressionListSchema } },
  }),
};
