import { isActiveAdministrator } from '../../functions/accounts/core/membership-rules';
import type {
  AccountsRepository,
  IdentityDirectory,
  Invitation,
  InvitationSender,
  NewIdentity,
  PendingSignups,
  SignupMail,
  StaffRepository,
  WelcomeWorkflow,
} from '../../functions/accounts/core/ports';
import type { AuditLog } from '../../functions/audit/core/audit-trail';
import { ConflictError, NotFoundError } from '../../functions/shared/errors';
import type { Clock, IdGenerator } from '../../functions/shared/ports';
import type { Member, Organization } from '../../schemas/accounts/entities';
import type { PendingSignup } from '../../schemas/accounts/signup';
import type { StaffMember } from '../../schemas/accounts/staff';
import type { AuditRecord } from '../../schemas/audit/audit-event';

/** In-memory stand-ins for the ports, for core and middleware tests. */
export class InMemoryAccounts implements AccountsRepository, StaffRepository {
  organizations = new Map<string, Organization>();
  members = new Map<string, Member>();
  emailClaims = new Map<string, string>();
  staff = new Map<string, StaffMember>();

  async getStaffMember(staffId: string) {
    const record = this.staff.get(staffId);
    return record ? structuredClone(record) : null;
  }
  async listStaff() {
    return [...this.staff.values()].map((record) => structuredClone(record));
  }
  async addStaffMember(record: StaffMember) {
    if (this.staff.has(record.staffId)) throw new ConflictError('staff record exists');
    this.staff.set(record.staffId, { ...structuredClone(record), version: 1 });
  }
  async replaceStaffMember(previous: StaffMember, next: StaffMember) {
    if (this.staff.get(previous.staffId)?.version !== previous.version) throw new ConflictError('changed');
    const stored = { ...structuredClone(next), version: (previous.version ?? 0) + 1 };
    this.staff.set(previous.staffId, stored);
    return structuredClone(stored);
  }

  async createOrganization(organization: Organization, founder: Member) {
    if (this.emailClaims.has(founder.email)) throw new ConflictError('email claimed');
    this.organizations.set(organization.orgId, { ...organization });
    this.claim(founder);
  }
  async addMember(member: Member) {
    const organization = this.organizations.get(member.orgId);
    if (!organization) throw new NotFoundError('organization');
    if (this.emailClaims.has(member.email)) throw new ConflictError('email claimed');
    organization.adminCount += Number(isActiveAdministrator(member));
    this.claim(member);
    return { ...structuredClone(member), version: 1 };
  }
  async listMembers(orgId: string) {
    return [...this.members.values()]
      .filter((member) => member.orgId === orgId)
      .map((m) => structuredClone(m));
  }
  /** As the DynamoDB repository: only the access attributes, only at the version read. */
  async replaceMember(previous: Member, next: Member) {
    this.adjust(previous, Number(isActiveAdministrator(next)) - Number(isActiveAdministrator(previous)));
    const current = this.members.get(previous.userId) as Member;
    const stored: Member = {
      ...current,
      role: next.role,
      permissions: [...next.permissions],
      status: next.status,
      tokensValidAfter: next.tokensValidAfter,
      invitationExpiresAt: next.invitationExpiresAt,
      version: (previous.version ?? 0) + 1,
    };
    if (stored.invitationExpiresAt === undefined) delete stored.invitationExpiresAt;
    this.members.set(next.userId, stored);
    return structuredClone(stored);
  }
  async removeMember(member: Member) {
    this.adjust(member, -Number(isActiveAdministrator(member)));
    this.members.delete(member.userId);
    this.emailClaims.delete(member.email);
  }
  async renameMember(userId: string, orgId: string, name: string) {
    const member = this.members.get(userId);
    if (member?.orgId !== orgId) throw new NotFoundError('User not found.');
    member.name = name;
    return structuredClone(member);
  }
  async revokeSessions(userId: string, orgId: string, cutoff: string) {
    const member = this.members.get(userId);
    if (member?.orgId !== orgId || Date.parse(member.tokensValidAfter) >= Date.parse(cutoff)) return;
    member.tokensValidAfter = cutoff;
    member.version = (member.version ?? 0) + 1;
  }
  private adjust(previous: Member, delta: number) {
    const current = this.members.get(previous.userId);
    if (!current || current.orgId !== previous.orgId || current.version !== previous.version) {
      throw new ConflictError('changed meanwhile');
    }
    const organization = this.organizations.get(previous.orgId);
    if (!organization) throw new NotFoundError('organization');
    if (delta < 0 && organization.adminCount <= 1) throw new ConflictError('last administrator');
    organization.adminCount += delta;
  }
  private claim(member: Member) {
    this.emailClaims.set(member.email, member.userId);
    this.members.set(member.userId, { ...structuredClone(member), version: 1 });
  }
  async removeOrganization(organization: Organization, founder: Member) {
    this.organizations.delete(organization.orgId);
    this.emailClaims.delete(founder.email);
    this.members.delete(founder.userId);
  }
  async getMember(userId: string) {
    const member = this.members.get(userId);
    return member ? structuredClone(member) : null;
  }
  async getOrganization(orgId: string) {
    return this.organizations.get(orgId) ?? null;
  }
  async acceptInvitation(userId: string) {
    const member = this.members.get(userId);
    if (!member?.invitationExpiresAt) return false;
    delete member.invitationExpiresAt;
    return true;
  }
  async markWelcomed(userId: string, at: Date) {
    const member = this.members.get(userId);
    if (!member || member.welcomedAt) return false;
    member.welcomedAt = at.toISOString();
    return true;
  }
}

export class InMemoryIdentities implements IdentityDirectory {
  users = new Map<
    string,
    { userId: string; name: string; password: string; temporary: boolean; enabled: boolean; groups: string[] }
  >();
  signedOutTokens: string[] = [];
  private next = 0;
  async createUser(identity: NewIdentity) {
    return { userId: this.add(identity.email, identity.name, identity.password, false) };
  }
  async inviteUser(identity: { email: string; name: string }) {
    const temporaryPassword = `Temp-${this.next + 1}-Password!`;
    return { userId: this.add(identity.email, identity.name, temporaryPassword, true), temporaryPassword };
  }
  private add(email: string, name: string, password: string, temporary: boolean) {
    if (this.users.has(email)) throw new ConflictError('exists');
    const userId = `user-${++this.next}`;
    this.users.set(email, { userId, name, password, temporary, enabled: true, groups: [] });
    return userId;
  }
  async renewInvitation(email: string) {
    const user = this.users.get(email);
    if (!user) throw new Error('no such user');
    user.password = `Renewed-${user.userId}-Password!`;
    return { temporaryPassword: user.password };
  }
  async addToGroup(email: string, group: string) {
    this.users.get(email)?.groups.push(group);
  }
  async moveToGroup(email: string, from: string, to: string) {
    const user = this.users.get(email);
    if (user) user.groups = [...user.groups.filter((group) => group !== from), to];
  }
  async disableUser(email: string) {
    const user = this.users.get(email);
    if (user) user.enabled = false;
  }
  async enableUser(email: string) {
    const user = this.users.get(email);
    if (user) user.enabled = true;
  }
  async signOutEverywhere(accessToken: string) {
    this.signedOutTokens.push(accessToken);
  }
  async deleteUser(email: string) {
    this.users.delete(email);
  }
}

export class RecordingInvitations implements InvitationSender {
  sent: Invitation[] = [];
  failWith: Error | null = null;
  async send(invitation: Invitation) {
    if (this.failWith) throw this.failWith;
    this.sent.push(invitation);
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

/** An active clinician of org-a, created at the fixed clock's time, with what a test overrides. */
export const clinicianMember = (overrides: Partial<Member> = {}): Member => ({
  userId: 'user-clin',
  orgId: 'org-a',
  email: 'clinician@a.example',
  name: 'Casey Clinician',
  role: 'clinician',
  professionalRole: 'clinician',
  permissions: ['view'],
  status: 'active',
  tokensValidAfter: '2026-11-24T12:00:00.000Z',
  createdAt: '2026-11-24T12:00:00.000Z',
  createdBy: 'user-admin',
  ...overrides,
});

export function sequentialIds(prefix = 'id'): IdGenerator {
  let next = 0;
  return { newId: () => `${prefix}-${++next}` };
}

/** Pending sign-ups and email claims in memory; `claimed` stands for the accounts table's email claims. */
export class InMemoryPendingSignups implements PendingSignups {
  records = new Map<string, PendingSignup>();
  notices = new Map<string, { count: number; expiresAt: number }>();
  constructor(private readonly claimed: () => ReadonlyMap<string, string> = () => new Map()) {}

  async emailHasAccount(email: string) {
    return this.claimed().has(email);
  }
  async get(email: string) {
    const record = this.records.get(email);
    return record ? structuredClone(record) : null;
  }
  async put(pending: PendingSignup) {
    this.records.set(pending.email, structuredClone(pending));
  }
  async countFailedAttempt(email: string, expiresAt: number) {
    const record = this.records.get(email) ?? { email, attempts: 0, codesIssued: 0, expiresAt };
    record.attempts += 1;
    this.records.set(email, record);
    return record.attempts;
  }
  async complete(email: string, completed: NonNullable<PendingSignup['completed']>) {
    const record = this.records.get(email);
    if (!record) throw new Error('no pending sign-up');
    record.completed = { ...completed };
  }
  async countNotice(email: string, now: number, expiresAt: number) {
    const current = this.notices.get(email);
    const next =
      current && current.expiresAt > now ? { ...current, count: current.count + 1 } : { count: 1, expiresAt };
    this.notices.set(email, next);
    return next.count;
  }
}

export class RecordingSignupMail implements SignupMail {
  codes: { email: string; code: string; expiresAt: Date }[] = [];
  notices: string[] = [];
  async sendVerificationCode(email: string, code: string, expiresAt: Date) {
    this.codes.push({ email, code, expiresAt });
  }
  async sendExistingAccountNotice(email: string) {
    this.notices.push(email);
  }
}
