import type { Member } from '#schemas/accounts/entities';
import { DEFAULT_PERMISSIONS, ROLES, type Role } from '#schemas/accounts/roles';
import type { ChainedAuditRecord } from '#schemas/audit/audit-event';
import type { BillingAccount, Invoice } from '#schemas/billing/billing';
import type { Report } from '#schemas/imaging/reports';
import type { AttributeChange, EditValue } from '#schemas/imaging/study-edits';
import type { CommunicationPreferences } from '#schemas/mail/preferences';
import type { PolicyAcceptance } from '#schemas/policy/policy';
import type { SupportGrant } from '#schemas/support/grants';
import type { TicketMessage, TicketSummary } from '#schemas/support/tickets';
import type { SeriesRecord, StoredInstance, StudyRecord } from '../../imaging/core/ports';
import type { StoredStudyVersion } from '../../imaging/core/study-versions';
import type { ShareAccessEntry, ShareRecord } from '../../sharing/core/ports';
import type { DatasetSources } from './dataset-sources';
import type { CellValue, DatasetColumn, ExportDataset } from './ports';

/**
 * What the archive's spreadsheets hold: one dataset per table of the organization's related information,
 * in the order the archive lists them. Each column names its value, so headers and rows cannot drift
 * apart. Secrets never become a column: share token and passcode hashes, a de-identified share's UID key,
 * one-time code hashes, session ids, unsubscribe secrets and Stripe keys are not read into any row.
 */

interface Column<T> extends DatasetColumn {
  readonly value: (record: T) => CellValue;
}

type Row = Readonly<Record<string, CellValue>>;

function rowOf<T>(columns: readonly Column<T>[], record: T): Row {
  return Object.fromEntries(columns.map((column) => [column.key, column.value(record)]));
}

/** Only the column definition leaves this module; the value functions stay with the mapping. */
const headersOf = <T>(columns: readonly Column<T>[]): DatasetColumn[] =>
  columns.map(({ key, header, kind }) => ({ key, header, kind }));

function dataset<T>(
  definition: Omit<ExportDataset, 'columns' | 'rows'> & {
    columns: readonly Column<T>[];
    records: (orgId: string) => AsyncIterable<T>;
  },
): ExportDataset {
  const { columns, records, ...about } = definition;
  return {
    ...about,
    columns: headersOf(columns),
    async *rows(orgId: string) {
      for await (const record of records(orgId)) yield rowOf(columns, record);
    },
  };
}

const text = <T>(
  key: string,
  header: string,
  value: (record: T) => string | null | undefined,
): Column<T> => ({
  key,
  header,
  kind: 'text',
  value: (record) => value(record) ?? null,
});
const number = <T>(
  key: string,
  header: string,
  value: (record: T) => number | null | undefined,
): Column<T> => ({
  key,
  header,
  kind: 'number',
  value: (record) => value(record) ?? null,
});
const flag = <T>(
  key: string,
  header: string,
  value: (record: T) => boolean | null | undefined,
): Column<T> => ({
  key,
  header,
  kind: 'boolean',
  value: (record) => value(record) ?? null,
});
/** A stored instant (ISO 8601); shown in UTC, which the header says. */
const instant = <T>(
  key: string,
  header: string,
  value: (record: T) => string | null | undefined,
): Column<T> => ({
  key,
  header: `${header} (UTC)`,
  kind: 'datetime',
  value: (record) => {
    const iso = value(record);
    return iso ? new Date(iso) : null;
  },
});

// ------------------------------------------------------------------------------------ DICOM values

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; anything else as stored. A date, not an instant: it has no zone. */
export function dicomDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

/** DICOM TM (HHMMSS.FFFFFF, parts optional) as HH:MM:SS; anything else as stored. */
export function dicomTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{2})(\d{2})?(\d{2})?/.exec(value);
  if (!match) return value;
  return [match[1], match[2] ?? '00', match[3] ?? '00'].join(':');
}

type DicomJson = Record<string, { Value?: unknown[] } | undefined>;

function firstValue(dataset: DicomJson | null, tag: string): string | null {
  const value = dataset?.[tag]?.Value?.[0];
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'Alphabetic' in value) {
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : null;
  }
  return null;
}

const PATIENT_BIRTH_DATE = '00100030';
const PATIENT_SEX = '00100040';

// ---------------------------------------------------------------------------------------- imaging

interface PatientRow {
  study: StudyRecord;
  metadata: DicomJson | null;
}

const patientColumns: Column<PatientRow>[] = [
  text('patientId', 'Patient ID', (p) => p.study.patientId),
  text('patientName', 'Patient name', (p) => p.study.patientName),
  text('birthDate', 'Birth date', (p) => dicomDate(firstValue(p.metadata, PATIENT_BIRTH_DATE))),
  text('sex', 'Sex', (p) => firstValue(p.metadata, PATIENT_SEX)),
  text('firstStudyInstanceUid', 'A study of this patient', (p) => p.study.studyInstanceUid),
];

const studyColumns: Column<StudyRecord>[] = [
  text('studyInstanceUid', 'Study Instance UID', (s) => s.studyInstanceUid),
  text('patientId', 'Patient ID', (s) => s.patientId),
  text('patientName', 'Patient name', (s) => s.patientName),
  text('studyDate', 'Study date', (s) => dicomDate(s.studyDate)),
  text('studyTime', 'Study time', (s) => dicomTime(s.studyTime)),
  text('studyDescription', 'Description', (s) => s.studyDescription),
  text('accessionNumber', 'Accession number', (s) => s.accessionNumber),
  text('studyId', 'Study ID', (s) => s.studyId),
  text('referringPhysicianName', 'Referring physician', (s) => s.referringPhysicianName),
  text('modalities', 'Modalities', (s) => [...s.modalities].sort().join(' ')),
  number('seriesCount', 'Series', (s) => s.seriesCount),
  number('instanceCount', 'Instances', (s) => s.instanceCount),
];

const seriesColumns: Column<SeriesRecord>[] = [
  text('studyInstanceUid', 'Study Instance UID', (s) => s.studyInstanceUid),
  text('seriesInstanceUid', 'Series Instance UID', (s) => s.seriesInstanceUid),
  text('modality', 'Modality', (s) => s.modality),
  number('seriesNumber', 'Series number', (s) => s.seriesNumber),
  number('instanceCount', 'Instances', (s) => s.instanceCount),
];

const instanceColumns: Column<StoredInstance>[] = [
  text('studyInstanceUid', 'Study Instance UID', (i) => i.studyInstanceUid),
  text('seriesInstanceUid', 'Series Instance UID', (i) => i.seriesInstanceUid),
  text('sopInstanceUid', 'SOP Instance UID', (i) => i.sopInstanceUid),
  text('sopClassUid', 'SOP Class UID', (i) => i.sopClassUid),
  text('transferSyntaxUid', 'Transfer Syntax UID', (i) => i.transferSyntaxUid),
  number('instanceNumber', 'Instance number', (i) => i.instanceNumber),
  number('rows', 'Rows', (i) => i.rows),
  number('columns', 'Columns', (i) => i.columns),
  number('frames', 'Frames', (i) => i.frames),
  number('sizeBytes', 'Size (bytes)', (i) => i.sizeBytes),
  text('sha256', 'SHA-256', (i) => i.sha256),
  instant('storedAt', 'Stored', (i) => i.storedAt),
];

const editValue = (value: EditValue): string | null => (value === null ? null : String(value));

interface EditRow {
  study: string;
  version: StoredStudyVersion;
  change: AttributeChange | null;
}

const editColumns: Column<EditRow>[] = [
  text('studyInstanceUid', 'Study Instance UID', (e) => e.study),
  number('version', 'Version', (e) => e.version.version),
  text('kind', 'Kind', (e) => e.version.kind),
  number('revertedTo', 'Reverted to version', (e) => e.version.revertedTo),
  instant('at', 'Time', (e) => e.version.at),
  text('byUserId', 'By user', (e) => e.version.by.userId),
  text('byRole', 'By role', (e) => e.version.by.role),
  text('reason', 'Reason', (e) => e.version.reason),
  text('level', 'Level', (e) => e.change?.level),
  text('seriesInstanceUid', 'Series Instance UID', (e) => e.change?.series),
  text('keyword', 'Attribute', (e) => e.change?.keyword),
  text('tag', 'Tag', (e) => e.change?.tag),
  text('before', 'Before', (e) => (e.change ? editValue(e.change.before) : null)),
  text('after', 'After', (e) => (e.change ? editValue(e.change.after) : null)),
];

const reportColumns: Column<Report>[] = [
  text('studyInstanceUid', 'Study Instance UID', (r) => r.study),
  number('version', 'Version', (r) => r.version),
  text('status', 'Status', (r) => r.status),
  flag('amended', 'Amended', (r) => r.amended),
  instant('at', 'Written', (r) => r.at),
  text('authorUserId', 'Author', (r) => r.author.userId),
  text('authorRole', 'Author role', (r) => r.author.role),
  text('reason', 'Reason', (r) => r.reason),
  text('text', 'Report text', (r) => r.text),
];

// ---------------------------------------------------------------------------------------- members

const userColumns: Column<Member>[] = [
  text('userId', 'User ID', (m) => m.userId),
  text('name', 'Name', (m) => m.name),
  text('email', 'Email', (m) => m.email),
  text('role', 'Role', (m) => m.role),
  text('professionalRole', 'Professional role', (m) => m.professionalRole),
  text('permissions', 'Permissions', (m) => [...m.permissions].sort().join(' ')),
  text('status', 'Status', (m) => m.status),
  flag('invitationPending', 'Invitation pending', (m) => m.invitationExpiresAt !== undefined),
  instant('createdAt', 'Created', (m) => m.createdAt),
  text('createdBy', 'Created by', (m) => m.createdBy),
  number('acceptedPolicyVersion', 'Accepted policy version', (m) => m.acceptedPolicyVersion),
];

const roleColumns: Column<Role>[] = [
  text('role', 'Role', (role) => role),
  text('defaultPermissions', 'Default permissions', (role) => DEFAULT_PERMISSIONS[role].join(' ')),
];

// ------------------------------------------------------------------------------------------ audit

/** DICOM PS3.15 EventOutcomeIndicator meanings. */
const OUTCOME_MEANINGS: Readonly<Record<number, string>> = {
  0: 'success',
  4: 'minor failure',
  8: 'serious failure',
  12: 'major failure',
};
const ACTION_MEANINGS: Readonly<Record<string, string>> = {
  C: 'create',
  R: 'read',
  U: 'update',
  D: 'delete',
  E: 'execute',
};

const auditColumns: Column<ChainedAuditRecord>[] = [
  instant('eventTime', 'Time', (r) => r.eventTime),
  text('event', 'Event', (r) => r.event),
  text('eventCode', 'Event code', (r) => `${r.eventId.system} ${r.eventId.code}`),
  text('eventMeaning', 'Event code meaning', (r) => r.eventId.meaning),
  text('action', 'Action', (r) => `${r.action} ${ACTION_MEANINGS[r.action] ?? ''}`.trim()),
  text('outcome', 'Outcome', (r) => `${r.outcome} ${OUTCOME_MEANINGS[r.outcome] ?? ''}`.trim()),
  text('actorKind', 'Actor kind', (r) => r.actor.kind),
  text('actorUserId', 'Actor user', (r) => r.actor.userId),
  text('actorRole', 'Actor role', (r) => r.actor.role),
  text('sourceIp', 'Source IP', (r) => r.source.ip),
  text('route', 'Route', (r) => r.route),
  number('httpStatus', 'HTTP status', (r) => r.httpStatus),
  text('objects', 'Objects', (r) => r.objects.map((o) => `${o.type}:${o.id}`).join(' ')),
  text('reason', 'Reason', (r) => r.reason),
  text('requestId', 'Request ID', (r) => r.requestId),
];

// ---------------------------------------------------------------------------------------- sharing

/** No tokenHash, passcodeHash or uidKey: whether a passcode is set is all the archive says of it. */
const shareColumns: Column<ShareRecord>[] = [
  text('shareId', 'Share ID', (s) => s.shareId),
  text('studyInstanceUid', 'Study Instance UID', (s) => s.studyInstanceUid),
  text('seriesInstanceUids', 'Series Instance UIDs', (s) => s.seriesInstanceUids?.join(' ')),
  text('patientId', 'Patient ID', (s) => s.patientId),
  text('recipientEmail', 'Recipient email', (s) => s.recipientEmail),
  text('scope', 'Scope', (s) => s.scope),
  flag('deidentify', 'De-identified', (s) => s.deidentify),
  flag('passcodeProtected', 'Passcode protected', (s) => s.passcodeHash !== null),
  text('purpose', 'Purpose', (s) => s.purpose),
  instant('createdAt', 'Created', (s) => s.createdAt),
  text('createdBy', 'Created by', (s) => s.createdBy),
  instant('expiresAt', 'Expires', (s) => s.expiresAt),
  number('maxUses', 'Maximum uses', (s) => s.maxUses),
  number('uses', 'Uses', (s) => s.uses),
  instant('revokedAt', 'Revoked', (s) => s.revokedAt),
  text('revokedBy', 'Revoked by', (s) => s.revokedBy),
];

const shareAccessColumns: Column<ShareAccessEntry>[] = [
  text('shareId', 'Share ID', (a) => a.shareId),
  instant('at', 'Time', (a) => a.at),
  text('kind', 'Access', (a) => a.kind),
  text('sourceIp', 'Source IP', (a) => a.sourceIp),
  text('detail', 'Detail', (a) => a.detail),
  text('requestId', 'Request ID', (a) => a.requestId),
];

// ---------------------------------------------------------------------------------------- support

const ticketColumns: Column<TicketSummary>[] = [
  text('ticketId', 'Ticket ID', (t) => t.ticketId),
  text('subject', 'Subject', (t) => t.subject),
  text('status', 'Status', (t) => t.status),
  text('channel', 'Channel', (t) => t.channel),
  text('senderEmail', 'Sender email', (t) => t.senderEmail),
  text('studyInstanceUid', 'Study Instance UID', (t) => t.studyInstanceUid),
  instant('createdAt', 'Opened', (t) => t.createdAt),
  instant('updatedAt', 'Last activity', (t) => t.updatedAt),
];

interface MessageRow {
  ticketId: string;
  message: TicketMessage;
}

const messageColumns: Column<MessageRow>[] = [
  text('ticketId', 'Ticket ID', (m) => m.ticketId),
  text('messageId', 'Message ID', (m) => m.message.messageId),
  text('authorKind', 'From', (m) => m.message.author.kind),
  text('authorId', 'Author', (m) => m.message.author.id),
  text('senderEmail', 'Sender email', (m) => m.message.senderEmail),
  instant('createdAt', 'Sent', (m) => m.message.createdAt),
  text('text', 'Text', (m) => m.message.text),
];

const grantColumns: Column<SupportGrant>[] = [
  text('grantId', 'Grant ID', (g) => g.grantId),
  text('ticketId', 'Ticket ID', (g) => g.ticketId),
  text('staffId', 'Support staff member', (g) => g.staffId),
  text('reason', 'Reason', (g) => g.reason),
  text('status', 'Status', (g) => g.status),
  number('durationMinutes', 'Duration (minutes)', (g) => g.durationMinutes),
  instant('createdAt', 'Requested', (g) => g.createdAt),
  instant('startsAt', 'Started', (g) => g.startsAt),
  instant('expiresAt', 'Expires', (g) => g.expiresAt),
  text('approvedBy', 'Approved by', (g) => g.approvedBy),
  instant('revokedAt', 'Revoked', (g) => g.revokedAt),
  text('revokedBy', 'Revoked by', (g) => g.revokedBy),
];

// ---------------------------------------------------------------------------------------- billing

/** The customer id stays out: it is Stripe's handle on the account, of no use outside PACScribe. */
const billingColumns: Column<BillingAccount>[] = [
  text('plan', 'Plan', (b) => b.plan),
  text('status', 'Subscription status', (b) => b.status),
  text('billingEmail', 'Billing email', (b) => b.billingEmail),
  text('addressLine1', 'Address line 1', (b) => b.billingAddress.line1),
  text('addressLine2', 'Address line 2', (b) => b.billingAddress.line2),
  text('city', 'City', (b) => b.billingAddress.city),
  text('state', 'State', (b) => b.billingAddress.state),
  text('postalCode', 'Postal code', (b) => b.billingAddress.postalCode),
  text('country', 'Country', (b) => b.billingAddress.country),
];

const invoiceColumns: Column<Invoice>[] = [
  text('number', 'Invoice number', (i) => i.number),
  text('invoiceId', 'Invoice ID', (i) => i.id),
  text('status', 'Status', (i) => i.status),
  // Stripe counts in the currency's minor unit (cents); two-decimal currencies are the only ones billed.
  number('amountPaid', 'Amount paid', (i) => i.amountPaid / 100),
  text('currency', 'Currency', (i) => i.currency.toUpperCase()),
  instant('createdAt', 'Created', (i) => i.createdAt),
  text('hostedInvoiceUrl', 'Invoice page', (i) => i.hostedInvoiceUrl),
];

// ------------------------------------------------------------------------------- mail and policy

interface PreferenceRow {
  member: Member;
  preferences: CommunicationPreferences;
}

const preferenceColumns: Column<PreferenceRow>[] = [
  text('userId', 'User ID', (p) => p.member.userId),
  text('email', 'Email', (p) => p.member.email),
  flag('transactional', 'Transactional mail', (p) => p.preferences.transactional.enabled),
  flag('marketing', 'Marketing mail', (p) => p.preferences.marketing.subscribed),
  flag('marketingEligible', 'In marketing audience', (p) => p.preferences.marketing.eligible),
  instant('updatedAt', 'Changed', (p) => p.preferences.marketing.updatedAt),
  text('latestChange', 'Latest change', (p) => p.preferences.latestPropagation?.direction),
  text('latestChangeStatus', 'Latest change status', (p) => p.preferences.latestPropagation?.status),
  instant(
    'latestChangeCompletedAt',
    'Latest change completed',
    (p) => p.preferences.latestPropagation?.completedAt,
  ),
];

const acceptanceColumns: Column<PolicyAcceptance>[] = [
  text('userId', 'User ID', (a) => a.userId),
  number('version', 'Policy version', (a) => a.version),
  instant('acceptedAt', 'Accepted', (a) => a.acceptedAt),
];

// ----------------------------------------------------------------------------------------- datasets

/** Studies whose series, instances, versions or reports are read while earlier ones are written. */
export const STUDIES_READ_AHEAD = 8;

async function* each<T>(items: Promise<readonly T[]> | readonly T[]): AsyncIterable<T> {
  yield* await items;
}

/** The organization's datasets in archive order, read through `sources`. */
export function organizationDatasetsOver(sources: DatasetSources): readonly ExportDataset[] {
  const { imaging } = sources;

  /**
   * For each current study in order, the records `read` finds in it. A few studies are read ahead, so an
   * organization of many studies is not read one round trip at a time; memory holds those few studies'
   * records, never the organization's.
   */
  async function* perStudy<T>(
    orgId: string,
    read: (study: StudyRecord) => Promise<readonly T[]>,
  ): AsyncIterable<T> {
    const ahead: Promise<readonly T[]>[] = [];
    for await (const study of imaging.studies(orgId)) {
      const reading = read(study);
      // Marked handled now; the failure still surfaces when its turn comes to be awaited.
      reading.catch(() => undefined);
      ahead.push(reading);
      if (ahead.length >= STUDIES_READ_AHEAD) yield* await (ahead.shift() as Promise<readonly T[]>);
    }
    for (const reading of ahead) yield* await reading;
  }

  async function* patients(orgId: string): AsyncIterable<PatientRow> {
    // One row per patient: the set holds their keys only, never the rows.
    const seen = new Set<string>();
    for await (const study of imaging.studies(orgId)) {
      const key = JSON.stringify([study.patientId, study.patientName]);
      if (seen.has(key)) continue;
      seen.add(key);
      const document = await imaging.firstInstanceMetadata(orgId, study.studyInstanceUid);
      yield { study, metadata: document ? (JSON.parse(document) as DicomJson) : null };
    }
  }

  const editsOf = (study: StudyRecord, version: StoredStudyVersion): EditRow[] =>
    version.changes.length === 0
      ? [{ study: study.studyInstanceUid, version, change: null }]
      : version.changes.map((change) => ({ study: study.studyInstanceUid, version, change }));

  async function* supportMessages(orgId: string): AsyncIterable<MessageRow> {
    for await (const ticket of sources.support.tickets(orgId)) {
      for (const message of await sources.support.messages(orgId, ticket.ticketId)) {
        yield { ticketId: ticket.ticketId, message };
      }
    }
  }

  async function* shareAccess(orgId: string): AsyncIterable<ShareAccessEntry> {
    for (const share of await sources.sharing.shares(orgId))
      yield* await sources.sharing.accessLog(share.shareId);
  }

  async function* invoices(orgId: string): AsyncIterable<Invoice> {
    const account = await sources.billing.account(orgId);
    if (account) yield* await sources.billing.invoices(account.customerId);
  }

  async function* preferences(orgId: string): AsyncIterable<PreferenceRow> {
    for (const member of await sources.members.members(orgId)) {
      yield { member, preferences: await sources.preferences.preferences(member) };
    }
  }

  return [
    dataset({
      name: 'patients',
      title: 'Patients',
      description: 'Each patient of the current studies, with birth date and sex as the images carry them.',
      columns: patientColumns,
      records: patients,
    }),
    dataset({
      name: 'studies',
      title: 'Studies',
      description: 'Every current study (not deleted), with its attributes as edited and its counts.',
      columns: studyColumns,
      records: (orgId) => imaging.studies(orgId),
    }),
    dataset({
      name: 'series',
      title: 'Series',
      description: 'Every series of the current studies.',
      columns: seriesColumns,
      records: (orgId) => perStudy(orgId, (study) => imaging.series(orgId, study.studyInstanceUid)),
    }),
    dataset({
      name: 'instances',
      title: 'Instances',
      description: 'Every stored image (DICOM instance) of the current studies, with its size and checksum.',
      columns: instanceColumns,
      records: (orgId) => perStudy(orgId, (study) => imaging.instances(orgId, study.studyInstanceUid)),
    }),
    dataset({
      name: 'edit-history',
      title: 'Edit history',
      description:
        'Each edit and revert of study attributes: who, when, why, and every value before and after.',
      columns: editColumns,
      records: (orgId) =>
        perStudy(orgId, async (study) =>
          (await imaging.versions(orgId, study.studyInstanceUid)).flatMap((version) =>
            editsOf(study, version),
          ),
        ),
    }),
    dataset({
      name: 'reports',
      title: 'Reports',
      description: 'Every version of every radiology report: drafts, the final text and each amendment.',
      columns: reportColumns,
      records: (orgId) => perStudy(orgId, (study) => imaging.reportVersions(orgId, study.studyInstanceUid)),
    }),
    dataset({
      name: 'users',
      title: 'Users',
      description: "The organization's members: role, permissions, status and when they were added.",
      columns: userColumns,
      records: (orgId) => each(sources.members.members(orgId)),
    }),
    dataset({
      name: 'roles',
      title: 'Roles',
      description: "Each role and the permissions it has by default (users' own permissions are in users).",
      columns: roleColumns,
      records: () => each(ROLES),
    }),
    dataset({
      name: 'audit-log',
      title: 'Audit log',
      description: "Every audit record of the organization's data and account, oldest first.",
      columns: auditColumns,
      records: (orgId) => sources.audit.records(orgId),
    }),
    dataset({
      name: 'shares',
      title: 'Shares',
      description: 'Every share link made of a study: recipient, scope, expiry, uses and revocation.',
      columns: shareColumns,
      records: (orgId) => each(sources.sharing.shares(orgId)),
    }),
    dataset({
      name: 'share-access-log',
      title: 'Share access log',
      description: 'Each use of a share link by its recipient: what was opened, when and from where.',
      columns: shareAccessColumns,
      records: shareAccess,
    }),
    dataset({
      name: 'support-tickets',
      title: 'Support tickets',
      description: 'Every support ticket of the organization: subject, sender, status and times.',
      columns: ticketColumns,
      records: (orgId) => sources.support.tickets(orgId),
    }),
    dataset({
      name: 'support-messages',
      title: 'Support messages',
      description: 'Every message of every support ticket: what the organization wrote and each answer.',
      columns: messageColumns,
      records: supportMessages,
    }),
    dataset({
      name: 'support-access',
      title: 'Support access',
      description: 'Every grant of access to the organization’s data given to PACScribe support staff.',
      columns: grantColumns,
      records: (orgId) => each(sources.support.grants(orgId)),
    }),
    dataset({
      name: 'billing',
      title: 'Billing',
      description: 'The plan, subscription status and billing contact (card details are never stored).',
      columns: billingColumns,
      records: async function* (orgId) {
        const account = await sources.billing.account(orgId);
        if (account) yield account;
      },
    }),
    dataset({
      name: 'invoices',
      title: 'Invoices',
      description: 'Every invoice, as the payment provider (Stripe) holds it.',
      columns: invoiceColumns,
      records: invoices,
    }),
    dataset({
      name: 'communication-preferences',
      title: 'Communication preferences',
      description: "Each member's mail choices: transactional mail (always on) and marketing.",
      columns: preferenceColumns,
      records: preferences,
    }),
    dataset({
      name: 'policy-acceptances',
      title: 'Policy acceptances',
      description: 'Each acceptance of a privacy policy version by a member.',
      columns: acceptanceColumns,
      records: (orgId) => each(sources.policy.acceptances(orgId)),
    }),
  ];
}
