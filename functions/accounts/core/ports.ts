import type { Member, Organization } from '#schemas/accounts/entities';
import type { MembershipRecords } from '../../shared/auth/principal-resolver';

export type { Clock, IdGenerator } from '../../shared/ports';

export interface AccountsRepository extends MembershipRecords {
  /** Writes organization, email claim and membership atomically; ConflictError if the email is claimed. */
  createOrganization(organization: Organization, founder: Member): Promise<void>;
  /** Adds a member to an existing organization and claims their email; ConflictError if claimed. */
  addMember(member: Member): Promise<void>;
  /** Members of one organization. */
  listMembers(orgId: string): Promise<Member[]>;
  /**
   * Replaces a membership if it is still as `previous` was, adjusting the organization's count of
   * active administrators in the same transaction. ConflictError if it changed meanwhile or if the
   * change would leave no active administrator.
   */
  replaceMember(previous: Member, next: Member): Promise<void>;
  /** Deletes a membership and releases its email, under the same rules as replaceMember. */
  removeMember(member: Member): Promise<void>;
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
