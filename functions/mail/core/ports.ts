import type { Member } from '#schemas/accounts/entities';
import type { MarketingSystem, PreferenceRecord, Propagation } from '#schemas/mail/preferences';
import type { PropagationInput } from '#schemas/mail/propagation';
import type { Suppression } from '#schemas/mail/suppressions';
import type { Clock, IdGenerator } from '../../shared/ports';

/** A stored propagation: the API view's fields plus whose it is. */
export interface PropagationRecord extends Omit<Propagation, 'overdue'> {
  userId: string;
  orgId: string;
}

/** A campaign's dry run of one exact content (template name + content hash). */
export interface CampaignDryRun {
  template: string;
  contentHash: string;
  ranAt: string;
  eligible: number;
  skipped: Record<string, number>;
}

/** The mail table (preferences, propagations, suppressions, campaign records). */
export interface MailStore {
  getPreferences(userId: string): Promise<PreferenceRecord | null>;
  /** Writes the choice and the propagation that carries it, in one transaction. */
  recordPreferenceChange(preferences: PreferenceRecord, propagation: PropagationRecord): Promise<void>;
  getPropagation(userId: string, propagationId: string): Promise<PropagationRecord | null>;
  /** Records when one system applied the change; the first time wins, so a retried step keeps its time. */
  markSystemDone(userId: string, propagationId: string, system: MarketingSystem, at: string): Promise<void>;
  completePropagation(userId: string, propagationId: string, at: string): Promise<void>;
  /** Opt-outs not complete whose deadline passed before `now`. */
  listOverdueOptOuts(now: string): Promise<PropagationRecord[]>;
  getSuppression(email: string): Promise<Suppression | null>;
  /** Keeps the first report of an address: later events change nothing. */
  putSuppression(suppression: Suppression, orgId: string | null): Promise<void>;
  listSuppressions(orgId: string): Promise<Suppression[]>;
  getDryRun(template: string, contentHash: string): Promise<CampaignDryRun | null>;
  putDryRun(dryRun: CampaignDryRun): Promise<void>;
  /** Claims one campaign mail for one person; false if it was already sent (a rerun). */
  claimCampaignSend(template: string, contentHash: string, userId: string, at: string): Promise<boolean>;
}

/** Memberships, as the mail context needs them (accounts repository, read only). */
export interface MailRecipients {
  getMember(userId: string): Promise<Member | null>;
  findMemberByEmail(email: string): Promise<Member | null>;
}

/** The SES v2 contact list whose marketing topic mirrors each person's choice. */
export interface MarketingContactList {
  setTopicSubscription(email: string, subscribed: boolean): Promise<void>;
}

/** PACScribe's own outbound marketing audience (S3): one entry per subscribed person, none otherwise. */
export interface MarketingAudienceExport {
  include(entry: {
    userId: string;
    orgId: string;
    email: string;
    role: string;
    updatedAt: string;
  }): Promise<void>;
  exclude(userId: string): Promise<void>;
}

export interface PreferenceWorkflow {
  start(input: PropagationInput): Promise<void>;
}

/** The unsubscribe-link secret (Secrets Manager in AWS, a local key file otherwise). */
export interface UnsubscribeKey {
  secret(): Promise<Uint8Array>;
}

/** CloudWatch metrics (embedded metric format in Lambda). */
export interface MailMetrics {
  overdueOptOuts(count: number): void;
}

export interface PreferenceDeps {
  store: MailStore;
  workflow: PreferenceWorkflow;
  clock: Clock;
  ids: IdGenerator;
}
