import type { Member, Organization } from '#schemas/accounts/entities';
import type { StaffMember } from '#schemas/accounts/staff';
import type { SupportGrant, SupportSettings } from '#schemas/support/grants';
import type { TicketStatus } from '#schemas/support/tickets';
import type { ChainedAuditRecord } from '../../audit/core/archive';
import type { Clock, IdGenerator } from '../../shared/ports';

/**
 * A ticket as stored: identifiers, status and times in the clear (queues and retention need them); what
 * people wrote (subject, sender address, study reference) only as `sealed`, under envelope encryption.
 */
export interface StoredTicket {
  ticketId: string;
  orgId: string;
  status: TicketStatus;
  channel: 'api' | 'mail';
  openedBy: string;
  createdAt: string;
  updatedAt: string;
  sealed: string;
}

/** What a ticket's `sealed` holds once opened. */
export interface TicketContents {
  subject: string;
  senderEmail: string;
  studyInstanceUid: string | null;
}

export interface StoredMessage {
  ticketId: string;
  messageId: string;
  authorKind: 'customer' | 'support';
  authorId: string;
  createdAt: string;
  /** The text and, for a customer's message, their address. */
  sealed: string;
}

export interface MessageContents {
  text: string;
  senderEmail: string | null;
}

/** Port: the support store (tickets, messages, grants, settings). Nothing is ever deleted here. */
export interface SupportStore {
  /** The ticket and its first message, together or not at all. */
  createTicket(ticket: StoredTicket, first: StoredMessage): Promise<void>;
  getTicket(ticketId: string): Promise<StoredTicket | null>;
  listOrganizationTickets(orgId: string, limit: number): Promise<StoredTicket[]>;
  /** The staff queue across organizations, newest activity first. */
  listAllTickets(status: TicketStatus | undefined, limit: number): Promise<StoredTicket[]>;
  listMessages(ticketId: string): Promise<StoredMessage[]>;
  /** Appends a message and moves the ticket's status and activity time, together. */
  addMessage(ticket: StoredTicket, message: StoredMessage, status: TicketStatus): Promise<void>;
  createGrant(grant: SupportGrant): Promise<void>;
  getGrant(grantId: string): Promise<SupportGrant | null>;
  /** Writes `next` only if the stored grant still has `previous`'s status; ConflictError otherwise. */
  replaceGrant(previous: SupportGrant, next: SupportGrant): Promise<void>;
  listGrants(orgId: string, createdFrom: string): Promise<SupportGrant[]>;
  getSettings(orgId: string): Promise<SupportSettings>;
  putSettings(orgId: string, settings: SupportSettings): Promise<void>;
}

/**
 * Port: envelope encryption. The context (organization and ticket) is bound into the ciphertext, so a
 * sealed value copied onto another ticket does not open.
 */
export interface Sealer {
  seal(plaintext: string, context: Readonly<Record<string, string>>): Promise<string>;
  open(sealed: string, context: Readonly<Record<string, string>>): Promise<string>;
}

/** Port: what support needs from the accounts context. */
export interface SupportDirectory {
  getMember(userId: string): Promise<Member | null>;
  /** The member holding this address (its email claim), if any. */
  findMemberByEmail(email: string): Promise<Member | null>;
  listMembers(orgId: string): Promise<Member[]>;
  getOrganization(orgId: string): Promise<Organization | null>;
  getStaffMember(staffId: string): Promise<StaffMember | null>;
}

/** Port: transactional mail about tickets and grants. */
export interface SupportNotifications {
  ticketAnswered(to: string, ticketId: string): Promise<void>;
  ticketReceived(to: string, ticketId: string): Promise<void>;
  grantStarted(to: string, notice: GrantNotice): Promise<void>;
  grantAwaitingApproval(to: string, notice: GrantNotice): Promise<void>;
}

export interface GrantNotice {
  organizationName: string;
  staffName: string;
  grant: SupportGrant;
}

/** Port: the organization's audit records made by one staff member in a time range. */
export interface SupportAuditReader {
  recordsBy(
    orgId: string,
    staffId: string,
    range: { from: string; to: string },
  ): Promise<ChainedAuditRecord[]>;
}

export interface SupportDeps {
  store: SupportStore;
  sealer: Sealer;
  directory: SupportDirectory;
  clock: Clock;
  ids: IdGenerator;
}

/** Use cases that mail someone (answers, grants, mail intake) also need the notifications port. */
export interface NotifyingSupportDeps extends SupportDeps {
  notifications: SupportNotifications;
}
