import * as z from 'zod';

/**
 * Audit records follow DICOM PS3.15 A.5 semantics: EventID (+ EventTypeCode), action C/R/U/D/E,
 * outcome 0/4/8/12, UTC time, the active participant and the participant objects touched.
 * Codes in the DCM system are from PS3.16; PACScribe-only events use the 'PACScribe' system.
 */
const code = (system: 'DCM' | 'PACScribe', value: string, meaning: string) => ({
  system,
  code: value,
  meaning,
});

export const AUDIT_EVENTS = {
  'account-created': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'C',
  },
  /** A sign-up was asked for; no organization exists yet, so the record names none. */
  'signup-requested': {
    eventId: code('PACScribe', 'signup-requested', 'Sign-up Requested'),
    eventType: null,
    action: 'E',
  },
  'account-read': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'user-created': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'C',
  },
  'users-listed': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'user-read': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'user-access-changed': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110136', 'Security Roles Changed'),
    action: 'U',
  },
  'user-disabled': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'U',
  },
  'user-enabled': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'U',
  },
  'user-removed': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'D',
  },
  'invitation-resent': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'U',
  },
  'profile-updated': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'U',
  },
  'signed-out': {
    eventId: code('DCM', '110114', 'User Authentication'),
    eventType: code('DCM', '110123', 'Logout'),
    action: 'E',
  },
  'instances-stored': {
    eventId: code('DCM', '110104', 'DICOM Instances Transferred'),
    eventType: null,
    action: 'C',
  },
  'studies-queried': {
    eventId: code('DCM', '110112', 'Query'),
    eventType: null,
    action: 'E',
  },
  'instances-retrieved': {
    eventId: code('DCM', '110104', 'DICOM Instances Transferred'),
    eventType: null,
    action: 'R',
  },
  /** A study removed from the archive: its objects, then its index entries. */
  'study-deleted': {
    eventId: code('DCM', '110105', 'DICOM Study Deleted'),
    eventType: null,
    action: 'D',
  },
  /** Series or instances removed from search and retrieval, recoverable until purged. */
  'instances-deleted': {
    eventId: code('DCM', '110105', 'DICOM Study Deleted'),
    eventType: null,
    action: 'D',
  },
  /** What can still be restored was listed. */
  'deleted-studies-listed': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: null,
    action: 'R',
  },
  /** A deleted study (or its deleted series and instances) brought back. */
  'study-restored': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: code('PACScribe', 'study-restored', 'Deleted Study Restored'),
    action: 'C',
  },
  /** The retention period ended: objects (every version, both regions), versions and index entries gone. */
  'study-purged': {
    eventId: code('DCM', '110105', 'DICOM Study Deleted'),
    eventType: code('PACScribe', 'study-purged', 'Deleted Study Purged'),
    action: 'D',
  },
  /** Patient, study or series attributes changed, as a new version; `changes` holds before and after. */
  'study-edited': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: code('PACScribe', 'study-edited', 'Study Attributes Edited'),
    action: 'U',
  },
  /** A study's attributes set back to an earlier version, as a new version. */
  'study-reverted': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: code('PACScribe', 'study-reverted', 'Study Attributes Reverted'),
    action: 'U',
  },
  'study-versions-read': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: null,
    action: 'R',
  },
  'report-written': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: code('PACScribe', 'report-written', 'Radiology Report Written'),
    action: 'U',
  },
  'report-read': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: null,
    action: 'R',
  },
  'metadata-retrieved': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: null,
    action: 'R',
  },
  /** An upload session opened, or fresh part URLs issued for it: instances are about to arrive. */
  'upload-started': {
    eventId: code('DCM', '110102', 'Begin Transferring DICOM Instances'),
    eventType: null,
    action: 'E',
  },
  /** The uploaded bytes were accepted for ingest; each instance stored is its own 'instances-stored'. */
  'upload-completed': {
    eventId: code('DCM', '110107', 'Import'),
    eventType: null,
    action: 'C',
  },
  'upload-status-read': {
    eventId: code('PACScribe', 'upload-status-read', 'Upload Session Status Accessed'),
    eventType: null,
    action: 'R',
  },
  'upload-aborted': {
    eventId: code('PACScribe', 'upload-aborted', 'Upload Session Aborted'),
    eventType: null,
    action: 'D',
  },
  'audit-log-used': {
    eventId: code('DCM', '110101', 'Audit Log Used'),
    eventType: null,
    action: 'R',
  },
  'authentication-failed': {
    eventId: code('DCM', '110114', 'User Authentication'),
    eventType: null,
    action: 'E',
  },
  /** A support ticket opened, by API or by mail [PP-05]. */
  'support-ticket-opened': {
    eventId: code('PACScribe', 'support-ticket', 'Support Ticket Activity'),
    eventType: null,
    action: 'C',
  },
  'support-tickets-listed': {
    eventId: code('PACScribe', 'support-ticket', 'Support Ticket Activity'),
    eventType: null,
    action: 'R',
  },
  'support-ticket-read': {
    eventId: code('PACScribe', 'support-ticket', 'Support Ticket Activity'),
    eventType: null,
    action: 'R',
  },
  'support-ticket-answered': {
    eventId: code('PACScribe', 'support-ticket', 'Support Ticket Activity'),
    eventType: null,
    action: 'U',
  },
  /** A support engineer asked for, or was given, access to an organization [PP-08]. */
  'support-grant-created': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('PACScribe', 'support-access-granted', 'Support Access Granted'),
    action: 'C',
  },
  'support-grant-approved': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('PACScribe', 'support-access-approved', 'Support Access Approved'),
    action: 'U',
  },
  'support-grant-revoked': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('PACScribe', 'support-access-revoked', 'Support Access Revoked'),
    action: 'U',
  },
  'support-access-log-read': {
    eventId: code('DCM', '110101', 'Audit Log Used'),
    eventType: null,
    action: 'R',
  },
  'support-settings-read': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'support-settings-changed': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110137', 'User Security Attributes Changed'),
    action: 'U',
  },
  /** Billing [PP-16, PP-17]: the contact and subscription state, never card data. */
  'billing-read': {
    eventId: code('PACScribe', 'billing', 'Billing Activity'),
    eventType: null,
    action: 'R',
  },
  'billing-checkout-started': {
    eventId: code('PACScribe', 'billing', 'Billing Activity'),
    eventType: null,
    action: 'U',
  },
  'billing-portal-opened': {
    eventId: code('PACScribe', 'billing', 'Billing Activity'),
    eventType: null,
    action: 'E',
  },
  /** A Stripe webhook, verified or refused; recorded in the organization's trail once it is known. */
  'billing-webhook-received': {
    eventId: code('PACScribe', 'billing', 'Billing Activity'),
    eventType: null,
    action: 'U',
  },
  /** An administrator read their organization's recorded policy acceptances [PP-24]. */
  'policy-acceptances-listed': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  /** A member acknowledged the notice of a material policy update [PP-23]. */
  'policy-notice-acknowledged': {
    eventId: code('PACScribe', 'policy-notice', 'Policy Notice Acknowledged'),
    eventType: null,
    action: 'U',
  },
  /** A member read their communication preferences [PP-20]. */
  'communication-preferences-read': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  /** A member opted in to or out of marketing mail [PP-03, PP-20]. */
  'communication-preferences-changed': {
    eventId: code('PACScribe', 'communication-preferences', 'Communication Preferences Changed'),
    eventType: null,
    action: 'U',
  },
  /** The one-click unsubscribe link was used (no login: the signed link names the member) [PP-03]. */
  'marketing-unsubscribed': {
    eventId: code('PACScribe', 'communication-preferences', 'Communication Preferences Changed'),
    eventType: null,
    action: 'U',
  },
  'mail-suppressions-listed': {
    eventId: code('PACScribe', 'account-read', 'Account Record Accessed'),
    eventType: null,
    action: 'R',
  },
  /** An export of the whole organization was requested [PP-14]; the workflow records how it ended. */
  'export-requested': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: code('PACScribe', 'export-requested', 'Organization Export Requested'),
    action: 'R',
  },
  'export-completed': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: code('PACScribe', 'export-completed', 'Organization Export Written'),
    action: 'R',
  },
  'export-failed': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: code('PACScribe', 'export-failed', 'Organization Export Failed'),
    action: 'R',
  },
  /** One part of an export left PACScribe: its short-lived download URL was issued. */
  'export-downloaded': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: code('PACScribe', 'export-downloaded', 'Export Part Downloaded'),
    action: 'R',
  },
  'exports-read': {
    eventId: code('PACScribe', 'export-read', 'Export Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'export-cancelled': {
    eventId: code('PACScribe', 'export-cancelled', 'Export Cancelled'),
    eventType: null,
    action: 'U',
  },
  /** A study shared with an external recipient [PP-07]. */
  'share-created': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: code('PACScribe', 'share-created', 'Study Shared'),
    action: 'C',
  },
  'shares-listed': {
    eventId: code('PACScribe', 'share-read', 'Share Record Accessed'),
    eventType: null,
    action: 'R',
  },
  'share-access-log-read': {
    eventId: code('DCM', '110101', 'Audit Log Used'),
    eventType: null,
    action: 'R',
  },
  'share-revoked': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('PACScribe', 'share-revoked', 'Share Revoked'),
    action: 'U',
  },
  /** The accounting of disclosures for one patient was read (HIPAA §164.528). */
  'disclosures-read': {
    eventId: code('DCM', '110101', 'Audit Log Used'),
    eventType: code('PACScribe', 'disclosures-read', 'Accounting of Disclosures Read'),
    action: 'R',
  },
  /** The recipient's steps: the link opened, a code mailed, a session opened (or refused). */
  'share-link-opened': {
    eventId: code('PACScribe', 'share-redemption', 'Share Redemption'),
    eventType: null,
    action: 'E',
  },
  'share-code-requested': {
    eventId: code('PACScribe', 'share-redemption', 'Share Redemption'),
    eventType: code('PACScribe', 'share-code-mailed', 'One-time Code Mailed'),
    action: 'E',
  },
  'share-session-opened': {
    eventId: code('DCM', '110114', 'User Authentication'),
    eventType: code('DCM', '110122', 'Login'),
    action: 'E',
  },
  /** The recipient saw shared images (the viewer page, a rendered image). */
  'share-viewed': {
    eventId: code('DCM', '110103', 'DICOM Instances Accessed'),
    eventType: null,
    action: 'R',
  },
  /** The recipient downloaded the shared files. */
  'share-downloaded': {
    eventId: code('DCM', '110106', 'Export'),
    eventType: null,
    action: 'R',
  },
  'access-denied': {
    eventId: code('DCM', '110113', 'Security Alert'),
    eventType: code('DCM', '110132', 'Use of a restricted function'),
    action: 'E',
  },
} as const;
export type AuditEventName = keyof typeof AUDIT_EVENTS;
export const AuditEventNameSchema = z.enum(
  Object.keys(AUDIT_EVENTS) as [AuditEventName, ...AuditEventName[]],
);

export const AuditOutcomeSchema = z.union([z.literal(0), z.literal(4), z.literal(8), z.literal(12)]);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

const CodeSchema = z.object({ system: z.enum(['DCM', 'PACScribe']), code: z.string(), meaning: z.string() });

export const AuditObjectSchema = z.object({
  type: z.enum([
    'organization',
    'user',
    'patient',
    'study',
    'series',
    'instance',
    'export',
    'share',
    'ticket',
    'support-grant',
    'upload',
  ]),
  id: z.string().max(256),
});
export type AuditObject = z.infer<typeof AuditObjectSchema>;

/** One attribute as a change left it: its value before and after (null: absent or empty). */
export const AuditChangeSchema = z.object({
  attribute: z.string().max(128),
  before: z.string().max(1024).nullable(),
  after: z.string().max(1024).nullable(),
});
export type AuditChange = z.infer<typeof AuditChangeSchema>;

export const AuditRecordSchema = z
  .object({
    recordId: z.string(),
    /** Partition: the organization the record belongs to, or 'system' before an identity is known. */
    orgId: z.string(),
    event: AuditEventNameSchema,
    eventId: CodeSchema,
    eventType: CodeSchema.nullable(),
    action: z.enum(['C', 'R', 'U', 'D', 'E']),
    outcome: AuditOutcomeSchema,
    eventTime: z.iso.datetime({ offset: false }),
    actor: z.object({
      /** system: PACScribe itself, on a schedule (the retention purge of deleted studies). */
      kind: z.enum(['customer', 'support', 'anonymous', 'system']),
      userId: z.string().nullable(),
      role: z.string().nullable(),
    }),
    source: z.object({ ip: z.string().nullable(), userAgent: z.string().max(512).nullable() }),
    requestId: z.string(),
    route: z.string(),
    httpStatus: z.number().int(),
    objects: z.array(AuditObjectSchema),
    reason: z.string().max(1000).nullable(),
    /** Edits and reverts: each attribute's value before and after. Absent on every other record. */
    changes: z.array(AuditChangeSchema).max(256).optional(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/**
 * Each organization's trail is this many independent hash chains, so concurrent requests append in
 * parallel instead of queueing for one sequence number.
 */
export const AUDIT_CHAINS_PER_ORG = 16;

/** A position in one of an organization's chains, and the hash there: records and checkpoints share it. */
export const ChainPositionShape = {
  chain: z
    .number()
    .int()
    .min(0)
    .max(AUDIT_CHAINS_PER_ORG - 1),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
};

/** A record as linked into one of its organization's hash chains. */
export const ChainedAuditRecordSchema = AuditRecordSchema.extend({
  ...ChainPositionShape,
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
}).meta({ id: 'AuditEvent' });
export type ChainedAuditRecord = z.infer<typeof ChainedAuditRecordSchema>;
