import * as z from 'zod';
import { IdSchema } from '#schemas/accounts/entities';
import {
  DisclosureListSchema,
  DisclosureQuerySchema,
  PatientIdParameterSchema,
} from '#schemas/sharing/disclosures';
import {
  CreateShareBodySchema,
  ShareAccessLogSchema,
  ShareCreatedSchema,
  ShareDownloadQuerySchema,
  ShareListSchema,
  ShareSchema,
  ShareTokenSchema,
  ShareViewerQuerySchema,
} from '#schemas/sharing/shares';
import { defineRoute, type PathParameter } from '../shared/http/route';

const shareIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'A share of your organization.',
};
const tokenParameter: PathParameter = {
  schema: ShareTokenSchema,
  malformed: 'not-found',
  description: "The share link's secret (opaque, 256 bits).",
};
const positionParameter = (what: string): PathParameter => ({
  schema: z.string().regex(/^[1-9][0-9]{0,5}$/, 'a position from 1'),
  malformed: 'not-found',
  description: `The ${what}'s position in the share (from 1); shares never name objects by UID.`,
});

/** Why the recipient's routes are public, and what stands in for a token on each of them. */
const RECIPIENT =
  'A share recipient has no PACScribe identity: the link (256 random bits, stored only as SHA-256) names the share, a one-time code mailed to the recipient proves the mailbox, and a short session cookie bound to that share carries the proof. Every request re-reads the share, so revocation and expiry count at once; attempts are rate-limited per share and per source address.';
const HTML = ['text/html'];
const UNAVAILABLE = {
  description: 'The link opens nothing: unknown, revoked, expired or used up (one answer for all).',
};

/**
 * Explicit sharing with third parties [PP-07]: a member holding `share` shares one study (or some of
 * its series) with one address, for a while; the recipient proves the address and sees, or downloads,
 * that and nothing else; every view is recorded in the organization's trail.
 */
export const sharingRoutes = {
  createShare: defineRoute('sharing', 'createShare', {
    method: 'POST',
    path: '/v1/shares',
    handler: 'sharing/handlers/create-share',
    pathParameters: {},
    summary:
      'Share a study (or some of its series) with one external address: view or download, expiring, optionally limited in uses, passcode-protected or de-identified. The recipient is mailed the link; the response holds it once. Send an Idempotency-Key header so a retry never creates a second share.',
    access: { kind: 'action', action: 'share' },
    audit: 'share-created',
    bindings: ['sharing-table:write', 'imaging-index:read', 'mail:send', 'share-links:issue'],
    request: { body: CreateShareBodySchema, maxBodyBytes: 16 * 1024 },
    responses: {
      201: { description: 'The share, and its link (given this once).', schema: ShareCreatedSchema },
      200: {
        description: 'A retry with the same Idempotency-Key: the share, without its link.',
        schema: ShareCreatedSchema,
      },
      404: { description: 'No such study or series in your organization.' },
      409: { description: 'The Idempotency-Key was used for a different share.' },
    },
  }),
  listShares: defineRoute('sharing', 'listShares', {
    method: 'GET',
    path: '/v1/shares',
    handler: 'sharing/handlers/list-shares',
    pathParameters: {},
    summary:
      "The organization's shares, newest first (administrators and auditors see all; other members holding `share` see their own).",
    access: { kind: 'action', action: 'share', orActions: ['view-audit'] },
    audit: 'shares-listed',
    bindings: ['sharing-table:read'],
    responses: { 200: { description: 'The shares.', schema: ShareListSchema } },
  }),
  getShareAccess: defineRoute('sharing', 'getShareAccess', {
    method: 'GET',
    path: '/v1/shares/{shareId}/access',
    handler: 'sharing/handlers/get-share-access',
    pathParameters: { shareId: shareIdParameter },
    auditedParameters: { shareId: 'share' },
    summary: "One share's access log: codes sent, sessions opened, refusals, views and downloads.",
    access: { kind: 'action', action: 'share', orActions: ['view-audit'] },
    audit: 'share-access-log-read',
    bindings: ['sharing-table:read'],
    responses: {
      200: { description: 'The share and its accesses, oldest first.', schema: ShareAccessLogSchema },
      404: { description: 'No such share that you may see.' },
    },
  }),
  revokeShare: defineRoute('sharing', 'revokeShare', {
    method: 'DELETE',
    path: '/v1/shares/{shareId}',
    handler: 'sharing/handlers/revoke-share',
    pathParameters: { shareId: shareIdParameter },
    auditedParameters: { shareId: 'share' },
    summary: 'End a share now: its link and every open session are refused from the next request on.',
    access: { kind: 'action', action: 'share' },
    audit: 'share-revoked',
    bindings: ['sharing-table:write'],
    responses: {
      200: { description: 'The share, revoked.', schema: ShareSchema },
      404: { description: 'No such share that you may manage.' },
    },
  }),
  openSharePage: defineRoute('sharing', 'openSharePage', {
    method: 'GET',
    path: '/s/{token}',
    handler: 'sharing/handlers/open-share-page',
    pathParameters: { token: tokenParameter },
    summary:
      'The share link: asks the recipient to prove their address (or goes on to the viewer when a session is open).',
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-link-opened',
    bindings: ['sharing-table:read'],
    responses: {
      200: { description: 'The page.', mediaTypes: HTML },
      303: { description: 'A session is open: on to the viewer.' },
      404: UNAVAILABLE,
    },
  }),
  requestShareCode: defineRoute('sharing', 'requestShareCode', {
    method: 'POST',
    path: '/s/{token}/code',
    handler: 'sharing/handlers/request-share-code',
    pathParameters: { token: tokenParameter },
    summary: "Mail a one-time code to the share's recipient address (never to an address given here).",
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-code-requested',
    bindings: ['sharing-table:write', 'mail:send'],
    request: {
      rawBody: {
        mediaType: 'application/x-www-form-urlencoded',
        description: 'The page’s form (no fields).',
      },
      maxBodyBytes: 1024,
    },
    responses: {
      200: { description: 'The page to enter the code.', mediaTypes: HTML },
      404: UNAVAILABLE,
      429: { description: 'Too many codes for this link, or attempts from this address (rate_limited).' },
    },
  }),
  openShareSession: defineRoute('sharing', 'openShareSession', {
    method: 'POST',
    path: '/s/{token}/session',
    handler: 'sharing/handlers/open-share-session',
    pathParameters: { token: tokenParameter },
    summary:
      'The mailed code (and the passcode, if the share has one) opens a 30-minute session bound to this share, as an HttpOnly, Secure, SameSite=Strict cookie.',
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-session-opened',
    bindings: ['sharing-table:write'],
    request: {
      rawBody: {
        mediaType: 'application/x-www-form-urlencoded',
        description: 'code, and passcode when asked for.',
      },
      maxBodyBytes: 2048,
    },
    responses: {
      303: { description: 'Session open: on to the viewer.' },
      400: {
        description: 'Wrong, expired or used code, or wrong passcode; after 5 guesses the code is locked.',
        mediaTypes: HTML,
      },
      404: UNAVAILABLE,
      429: { description: 'Too many attempts from this address (rate_limited).' },
    },
  }),
  viewShare: defineRoute('sharing', 'viewShare', {
    method: 'GET',
    path: '/s/{token}/view',
    handler: 'sharing/handlers/view-share',
    pathParameters: { token: tokenParameter },
    summary: 'The viewer: the shared series and one image at a time, with previous and next.',
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-viewed',
    bindings: ['sharing-table:write', 'imaging-index:read'],
    request: { query: ShareViewerQuerySchema },
    responses: {
      200: { description: 'The viewer page.', mediaTypes: HTML },
      303: { description: 'No open session for this share: back to the link page.' },
      404: UNAVAILABLE,
    },
  }),
  viewSharedImage: defineRoute('sharing', 'viewSharedImage', {
    method: 'GET',
    path: '/s/{token}/series/{series}/images/{image}',
    handler: 'sharing/handlers/view-shared-image',
    pathParameters: {
      token: tokenParameter,
      series: positionParameter('series'),
      image: positionParameter('image'),
    },
    summary: 'One shared image, rendered as PNG (its first frame), under an open session.',
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-viewed',
    bindings: ['sharing-table:write', 'imaging-index:read', 'imaging-store:read'],
    response: 'stream',
    imageRendering: true,
    responses: {
      200: { description: 'The image.', mediaTypes: ['image/png'] },
      401: { description: 'No open session for this share.' },
      404: { description: 'No such image in the share, or the link opens nothing.' },
      406: { description: 'The image cannot be rendered.' },
    },
  }),
  downloadShare: defineRoute('sharing', 'downloadShare', {
    method: 'GET',
    path: '/s/{token}/download',
    handler: 'sharing/handlers/download-share',
    pathParameters: { token: tokenParameter },
    summary:
      'Download shares only: the original DICOM files (de-identified when the share says so) as a ZIP, streamed; ?series=N for one series.',
    access: { kind: 'public', reason: RECIPIENT },
    audit: 'share-downloaded',
    bindings: ['sharing-table:write', 'imaging-index:read', 'imaging-store:read'],
    request: { query: ShareDownloadQuerySchema },
    response: 'stream',
    responses: {
      200: { description: 'The files.', mediaTypes: ['application/zip'] },
      401: { description: 'No open session for this share.' },
      403: { description: 'The share is view-only.' },
      404: UNAVAILABLE,
      413: { description: 'Too large for one download: download series by series.' },
    },
  }),
  listPatientDisclosures: defineRoute('sharing', 'listPatientDisclosures', {
    method: 'GET',
    path: '/v1/patients/{patientId}/disclosures',
    handler: 'sharing/handlers/list-patient-disclosures',
    pathParameters: {
      patientId: {
        schema: PatientIdParameterSchema,
        malformed: 'not-found',
        description: 'A Patient ID (0010,0020) of your organization, URL-encoded.',
      },
    },
    auditedParameters: { patientId: 'patient' },
    summary:
      "Accounting of disclosures (HIPAA §164.528): every share that included one patient's data — when, to whom, what, why; ?format=xlsx for a spreadsheet.",
    access: { kind: 'action', action: 'view-audit' },
    audit: 'disclosures-read',
    bindings: ['sharing-table:read', 'imaging-index:read'],
    request: { query: DisclosureQuerySchema },
    responses: {
      200: {
        description: 'The disclosures, oldest first (JSON, or XLSX with format=xlsx).',
        schema: DisclosureListSchema,
        mediaTypes: ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
      404: { description: 'No such patient in your organization, and no disclosure of one.' },
    },
  }),
};
