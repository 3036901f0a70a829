import type { Member } from '#schemas/accounts/entities';
import type { ChainedAuditRecord } from '#schemas/audit/audit-event';
import type { BillingAccount, Invoice } from '#schemas/billing/billing';
import type { Report } from '#schemas/imaging/reports';
import type { CommunicationPreferences } from '#schemas/mail/preferences';
import type { PolicyAcceptance } from '#schemas/policy/policy';
import type { SupportGrant } from '#schemas/support/grants';
import type { TicketMessage, TicketSummary } from '#schemas/support/tickets';
import type { SeriesRecord, StoredInstance, StudyRecord } from '../../imaging/core/ports';
import type { StoredStudyVersion } from '../../imaging/core/study-versions';
import type { ShareAccessEntry, ShareRecord } from '../../sharing/core/ports';

/**
 * Ports of the datasets: what each context holds of one organization, read as that context's own
 * adapters read it. The archive spans every context, so these name other contexts' record types (types
 * only); the adapters in ../adapters bind them to each context's repositories.
 *
 * Listings that can grow without bound (studies, the audit log, tickets) are async iterables read page by
 * page; the others are small per organization or per study and come whole.
 */

export interface ImagingSource {
  /** The organization's current studies: not those deleted (moved to the recycle bin) or purged. */
  studies(orgId: string): AsyncIterable<StudyRecord>;
  series(orgId: string, study: string): Promise<SeriesRecord[]>;
  instances(orgId: string, study: string): Promise<StoredInstance[]>;
  /** DICOM JSON of the study's first instance as the study currently reads (edits applied); null if none. */
  firstInstanceMetadata(orgId: string, study: string): Promise<string | null>;
  versions(orgId: string, study: string): Promise<StoredStudyVersion[]>;
  reportVersions(orgId: string, study: string): Promise<Report[]>;
}

export interface MembersSource {
  members(orgId: string): Promise<Member[]>;
}

export interface AuditSource {
  /** Every record of the organization, oldest first. */
  records(orgId: string): AsyncIterable<ChainedAuditRecord>;
}

export interface SharingSource {
  shares(orgId: string): Promise<ShareRecord[]>;
  accessLog(shareId: string): Promise<ShareAccessEntry[]>;
}

export interface SupportSource {
  /** Tickets with what people wrote opened from its sealed form, newest activity first. */
  tickets(orgId: string): AsyncIterable<TicketSummary>;
  /** One ticket's messages, opened, oldest first. */
  messages(orgId: string, ticketId: string): Promise<TicketMessage[]>;
  grants(orgId: string): Promise<SupportGrant[]>;
}

export interface BillingSource {
  account(orgId: string): Promise<BillingAccount | null>;
  /** Invoices as the billing provider (Stripe) holds them; they are not stored by PACScribe. */
  invoices(customerId: string): Promise<Invoice[]>;
}

export interface PreferencesSource {
  preferences(member: Member): Promise<CommunicationPreferences>;
}

export interface PolicySource {
  acceptances(orgId: string): Promise<PolicyAcceptance[]>;
}

export interface DatasetSources {
  imaging: ImagingSource;
  members: MembersSource;
  audit: AuditSource;
  sharing: SharingSource;
  support: SupportSource;
  billing: BillingSource;
  preferences: PreferencesSource;
  policy: PolicySource;
}
