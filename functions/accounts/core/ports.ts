import type { Member, Organization } from '#schemas/accounts/entities';
import type { PendingSignup } from '#schemas/accounts/signup';
import type { StaffMember } from '#schemas/accounts/staff';
import type { MembershipRecords } from '../../shared/auth/principal-resolver';

export type { Clock, IdGenerator } from '../../shared/ports';

export interface AccountsRepository extends MembershipRecords {
  /** Writes organization, email claim and membership atomically; ConflictError if the email is claimed. */
  createOrganization(organization: Organization, founder: Member): Promise<void>;
  /**
   * Adds a member to an existing organization and claims their email; ConflictError if claimed. Returns
   * the membership as stored (at version 1).
   */
  addMember(member: Member): Promise<Member>;
  /** Members of one organization. */
  listMembers(orgId: string): Promise<Member[]>;
  /**
   * Writes the access attributes (role, permissions, status, tokensValidAfter, invitation expiry) in which
   * `next` differs from `previous`, only if the membership is still at the version `previous` was read at,
   * adjusting the organization's count of active administrators in the same transaction. Returns the
   * membership as stored (at its new version). ConflictError if it changed meanwhile (the caller reloads
   * and decides again: access changes are never silently re-applied over someone else's) or if the change
   * would leave no active administrator. Name and welcome are not written here.
   */
  replaceMember(previous: Member, next: Member): Promise<Member>;
  /** Deletes a membership and releases its email, at the version read, under the same rules. */
  removeMember(member: Member): Promise<void>;
  /**
   * Sets the name alone (nothing read earlier is written back, so it cannot undo a concurrent access
   * change, and it cannot conflict with one). NotFoundError if the membership is gone or elsewhere.
   */
  renameMember(userId: string, orgId: string, name: string): Promise<Member>;
  /**
   * Moves the token cut-off forward to `cutoff`, never back, and bumps the version so that every write
   * prepared from an earlier read fails rather than restoring an earlier cut-off.
   */
  revokeSessions(userId: string, orgId: string, cutoff: string): Promise<void>;
  /** Undoes createOrganization (compensation after a later step failed). */
  removeOrganization(organization: Organization, founder: Member): Promise<void>;
  getOrganization(orgId: string): Promise<Organization | null>;
  /** Records that the welcome mail went out; false if it was already recorded. */
  markWelcomed(userId: string, at: Date): Promise<boolean>;
}

export interface InvitedIdentity {
  email: string;
  name: string;
}

export interface NewIdentity {
  email: string;
  name: string;
  password: string;
}

/** The identity provider holding credentials (Cognito). PACScribe never stores passwords. */
export interface IdentityDirectory {
  /** Returns the new user's immutable id; ConflictError if the email already has an identity. */
  createUser(identity: NewIdentity): Promise<{ userId: string }>;
  /** Creates a user who must choose a new password at first sign-in; returns the temporary one. */
  inviteUser(identity: InvitedIdentity): Promise<{ userId: string; temporaryPassword: string }>;
  /** Issues a fresh temporary password for a user who has not signed in yet. */
  renewInvitation(email: string): Promise<{ temporaryPassword: string }>;
  addToGroup(email: string, group: string): Promise<void>;
  moveToGroup(email: string, from: string, to: string): Promise<void>;
  /** Blocks sign-in and revokes refresh tokens. */
  disableUser(email: string): Promise<void>;
  enableUser(email: string): Promise<void>;
  /** Revokes every refresh token of the user who holds this access token. */
  signOutEverywhere(accessToken: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
}

export interface Invitation {
  email: string;
  name: string;
  organizationName: string;
  temporaryPassword: string;
  expiresAt: Date;
}

/** Delivers an invitation (transactional mail). */
export interface InvitationSender {
  send(invitation: Invitation): Promise<void>;
}

export interface WelcomeWorkflow {
  /** Starts the welcome mail; idempotent per user. Carries ids only. */
  start(input: { orgId: string; userId: string }): Promise<void>;
}

/** PACScribe's staff records (the workforce population), beside the memberships in the accounts table. */
export interface StaffRepository {
  getStaffMember(staffId: string): Promise<StaffMember | null>;
  /** Every staff record, by email. */
  listStaff(): Promise<StaffMember[]>;
  /** ConflictError if a record for this staff id exists already. */
  addStaffMember(staff: StaffMember): Promise<void>;
  /** Writes `next` only if the record is still at the version `previous` was read at; ConflictError if not. */
  replaceStaffMember(previous: StaffMember, next: StaffMember): Promise<StaffMember>;
}

/** The workforce identity pool, as staff management needs it. */
export interface WorkforceDirectory {
  /** The pool's subject for this email; null when there is no such identity. */
  subjectOf(email: string): Promise<string | null>;
  /** Blocks sign-in and revokes refresh tokens. */
  disableUser(email: string): Promise<void>;
  enableUser(email: string): Promise<void>;
}

/** Pending sign-ups (SIGNUP#<email>) and whether an address already belongs to an account. */
export interface PendingSignups {
  /** True when an account holds this address (its email claim). */
  emailHasAccount(email: string): Promise<boolean>;
  get(email: string): Promise<PendingSignup | null>;
  /** Replaces whatever was stored for the address. */
  put(pending: PendingSignup): Promise<void>;
  /**
   * Counts one wrong code atomically, creating an attempts-only entry expiring at `expiresAt` when the
   * address has none. Returns the count after this one.
   */
  countFailedAttempt(email: string, expiresAt: number): Promise<number>;
  /** Records the account the sign-up became, for retries. */
  complete(email: string, completed: NonNullable<PendingSignup['completed']>): Promise<void>;
  /**
   * Counts one "someone tried to sign up with your address" notice in the window ending at `expiresAt`
   * (a new window when the last has passed); returns the count after this one.
   */
  countNotice(email: string, now: number, expiresAt: number): Promise<number>;
}

/** The mails of sign-up. Neither carries text the requester chose: they go to an unproven address. */
export interface SignupMail {
  sendVerificationCode(email: string, code: string, expiresAt: Date): Promise<void>;
  sendExistingAccountNotice(email: string): Promise<void>;
}
