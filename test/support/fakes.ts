import type {
  AccountsRepository,
  IdentityDirectory,
  NewIdentity,
  WelcomeWorkflow,
} from '../../functions/accounts/core/ports';
import type { AuditLog } from '../../functions/audit/core/audit-trail';
import { ConflictError } from '../../functions/shared/errors';
import type { Clock, IdGenerator } from '../../functions/shared/ports';
import type { Member, Organization } from '../../schemas/accounts/entities';
import type { AuditRecord } from '../../schemas/audit/audit-event';

/** In-memory stand-ins for the ports, for core and middleware tests. */
export class InMemoryAccounts implements AccountsRepository {
  organizations = new Map<string, Organization>();
  members = new Map<string, Member>();
  emailClaims = new Map<string, string>();

  async createOrganization(organization: Organization, founder: Member) {
    if (this.emailClaims.has(founder.email)) throw new ConflictError('email claimed');
    this.organizations.set(organization.orgId, organization);
    this.claim(founder);
  }
  async addMember(member: Member) {
    if (this.emailClaims.has(member.email)) throw new ConflictError('email claimed');
    this.claim(member);
  }
  private claim(member: Member) {
    this.emailClaims.set(member.email, member.userId);
    this.members.set(member.userId, structuredClone(member));
  }
  async removeOrganization(organization: Organization, founder: Member) {
    this.organizations.delete(organization.orgId);
    this.emailClaims.delete(founder.email);
    this.members.delete(founder.userId);
  }
  async getMember(userId: string) {
    return this.members.get(userId) ?? null;
  }
  async getOrganization(orgId: string) {
    return this.organizations.get(orgId) ?? null;
  }
  async markWelcomed(userId: string, at: Date) {
    const member = this.members.get(userId);
    if (!member || member.welcomedAt) return false;
    member.welcomedAt = at.toISOString();
    return true;
  }
}

export class InMemoryIdentities implements IdentityDirectory {
  users = new Map<string, NewIdentity & { userId: string; groups: string[] }>();
  private next = 0;
  async createUser(identity: NewIdentity) {
    if (this.users.has(identity.email)) throw new ConflictError('exists');
    const userId = `user-${++this.next}`;
    this.users.set(identity.email, { ...identity, userId, groups: [] });
    return { userId };
  }
  async addToGroup(email: string, group: string) {
    this.users.get(email)?.groups.push(group);
  }
  async deleteUser(email: string) {
    this.users.delete(email);
  }
}

export class RecordingWelcomeWorkflow implements WelcomeWorkflow {
  started: { orgId: string; userId: string }[] = [];
  failWith: Error | null = null;
  async start(input: { orgId: string; userId: string }) {
    if (this.failWith) throw this.failWith;
    this.started.push(input);
  }
}

export class InMemoryAuditLog implements AuditLog {
  records: AuditRecord[] = [];
  failWith: Error | null = null;
  async append(record: AuditRecord) {
    if (this.failWith) throw this.failWith;
    this.records.push(record);
  }
}

export const fixedClock = (iso = '2026-11-24T12:00:00.000Z'): Clock => ({ now: () => new Date(iso) });

export function sequentialIds(prefix = 'id'): IdGenerator {
  let next = 0;
  return { newId: () => `${prefix}-${++next}` };
}
