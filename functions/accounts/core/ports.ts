import type { Member, Organization } from '#schemas/accounts/entities';
import type { MembershipReader } from '../../shared/auth/principal-resolver';

export type { Clock, IdGenerator } from '../../shared/ports';

export interface AccountsRepository extends MembershipReader {
  /** Writes organization, email claim and membership atomically; ConflictError if the email is claimed. */
  createOrganization(organization: Organization, founder: Member): Promise<void>;
  /** Adds a member to an existing organization and claims their email; ConflictError if claimed. */
  addMember(member: Member): Promise<void>;
  /** Undoes createOrganization (compensation after a later step failed). */
  removeOrganization(organization: Organization, founder: Member): Promise<void>;
  getOrganization(orgId: string): Promise<Organization | null>;
  /** Records that the welcome mail went out; false if it was already recorded. */
  markWelcomed(userId: string, at: Date): Promise<boolean>;
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
  addToGroup(email: string, group: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
}

export interface WelcomeWorkflow {
  /** Starts the welcome mail; idempotent per user. Carries ids only. */
  start(input: { orgId: string; userId: string }): Promise<void>;
}
