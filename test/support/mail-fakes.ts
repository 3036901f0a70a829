import { randomUUID } from 'node:crypto';
import type {
  CampaignDryRun,
  MailRecipients,
  MailStore,
  MarketingAudienceExport,
  MarketingContactList,
  PreferenceWorkflow,
  PropagationRecord,
} from '../../functions/mail/core/ports';
import type { Mailer, OutgoingMail } from '../../functions/shared/mailer';
import type { Member } from '../../schemas/accounts/entities';
import { DEFAULT_PERMISSIONS, type Role } from '../../schemas/accounts/roles';
import type { MarketingSystem, PreferenceRecord } from '../../schemas/mail/preferences';
import type { PropagationInput } from '../../schemas/mail/propagation';
import type { Suppression } from '../../schemas/mail/suppressions';

/** The mail table in memory, with the same first-write-wins rules as the DynamoDB adapter. */
export class InMemoryMailStore implements MailStore {
  preferences = new Map<string, PreferenceRecord>();
  propagations = new Map<string, PropagationRecord>();
  suppressions = new Map<string, { suppression: Suppression; orgId: string | null }>();
  dryRuns = new Map<string, CampaignDryRun>();
  sends = new Set<string>();

  async getPreferences(userId: string) {
    const record = this.preferences.get(userId);
    return record ? structuredClone(record) : null;
  }
  async recordPreferenceChange(preferences: PreferenceRecord, propagation: PropagationRecord) {
    this.preferences.set(preferences.userId, structuredClone(preferences));
    this.propagations.set(propagation.propagationId, structuredClone(propagation));
  }
  async getPropagation(userId: string, propagationId: string) {
    const record = this.propagations.get(propagationId);
    return record && record.userId === userId ? structuredClone(record) : null;
  }
  async markSystemDone(_userId: string, propagationId: string, system: MarketingSystem, at: string) {
    const record = this.propagations.get(propagationId);
    if (record && !record.systems[system]) record.systems[system] = at;
  }
  async completePropagation(_userId: string, propagationId: string, at: string) {
    const record = this.propagations.get(propagationId);
    if (record && record.status !== 'complete')
      Object.assign(record, { status: 'complete', completedAt: at });
  }
  async listOverdueOptOuts(now: string) {
    return [...this.propagations.values()].filter(
      (record) => record.direction === 'opt-out' && record.status !== 'complete' && record.deadlineAt < now,
    );
  }
  async getSuppression(email: string) {
    return this.suppressions.get(email.toLowerCase())?.suppression ?? null;
  }
  async putSuppression(suppression: Suppression, orgId: string | null) {
    if (!this.suppressions.has(suppression.email))
      this.suppressions.set(suppression.email, { suppression, orgId });
  }
  async listSuppressions(orgId: string) {
    return [...this.suppressions.values()]
      .filter((entry) => entry.orgId === orgId)
      .map((entry) => entry.suppression);
  }
  async getDryRun(template: string, contentHash: string) {
    return this.dryRuns.get(`${template}#${contentHash}`) ?? null;
  }
  async putDryRun(dryRun: CampaignDryRun) {
    this.dryRuns.set(`${dryRun.template}#${dryRun.contentHash}`, dryRun);
  }
  async claimCampaignSend(template: string, contentHash: string, userId: string) {
    const key = `${template}#${contentHash}#${userId}`;
    if (this.sends.has(key)) return false;
    this.sends.add(key);
    return true;
  }
}

/** A transport that records what would have left. */
export class RecordingTransport implements Mailer {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { messageId: String(this.sent.length) };
  }
}

export class RecordingPreferenceWorkflow implements PreferenceWorkflow {
  started: PropagationInput[] = [];
  async start(input: PropagationInput) {
    this.started.push(input);
  }
}

export class InMemoryContactList implements MarketingContactList {
  topics = new Map<string, boolean>();
  async setTopicSubscription(email: string, subscribed: boolean) {
    this.topics.set(email, subscribed);
  }
}

export class InMemoryAudience implements MarketingAudienceExport {
  entries = new Map<string, { email: string; role: string }>();
  async include(entry: { userId: string; email: string; role: string }) {
    this.entries.set(entry.userId, { email: entry.email, role: entry.role });
  }
  async exclude(userId: string) {
    this.entries.delete(userId);
  }
}

/** Members by id and address. */
export class MemberDirectory implements MailRecipients {
  members = new Map<string, Member>();
  add(member: Member) {
    this.members.set(member.userId, member);
    return member;
  }
  async getMember(userId: string) {
    return this.members.get(userId) ?? null;
  }
  async findMemberByEmail(email: string) {
    return [...this.members.values()].find((member) => member.email === email.toLowerCase()) ?? null;
  }
}

export function mailTestMember(role: Role, overrides: Partial<Member> = {}): Member {
  const userId = randomUUID();
  return {
    userId,
    orgId: overrides.orgId ?? randomUUID(),
    email: `${role}-${userId.slice(0, 8)}@clinic.example`,
    name: `Test ${role}`,
    role,
    professionalRole: role,
    permissions: [...DEFAULT_PERMISSIONS[role]],
    status: 'active',
    tokensValidAfter: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: userId,
    ...overrides,
  };
}

export const testSecret = { secret: async () => Buffer.alloc(32, 7) };
