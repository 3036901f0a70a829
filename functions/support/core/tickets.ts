import type {
  AnswerTicketBody,
  CreateTicketBody,
  Ticket,
  TicketMessage,
  TicketSummary,
} from '#schemas/support/tickets';
import type { CustomerPrincipal, WorkforcePrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type {
  MessageContents,
  NotifyingSupportDeps,
  StoredMessage,
  StoredTicket,
  SupportDeps,
  TicketContents,
} from './ports';

const MAX_LISTED_TICKETS = 200;

const ticketContext = (ticket: Pick<StoredTicket, 'orgId' | 'ticketId'>) => ({
  purpose: 'support-ticket',
  orgId: ticket.orgId,
  ticketId: ticket.ticketId,
});

async function sealMessage(
  deps: Pick<SupportDeps, 'sealer'>,
  ticket: StoredTicket,
  contents: MessageContents,
): Promise<string> {
  return deps.sealer.seal(JSON.stringify(contents), ticketContext(ticket));
}

/** A ticket's summary, its subject and sender opened from their sealed form. */
export async function summarizeTicket(
  deps: Pick<SupportDeps, 'sealer'>,
  ticket: StoredTicket,
): Promise<TicketSummary> {
  const contents = JSON.parse(await deps.sealer.open(ticket.sealed, ticketContext(ticket))) as TicketContents;
  return {
    ticketId: ticket.ticketId,
    orgId: ticket.orgId,
    subject: contents.subject,
    status: ticket.status,
    senderEmail: contents.senderEmail,
    studyInstanceUid: contents.studyInstanceUid,
    channel: ticket.channel,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
  };
}

/** One message of a ticket, opened from its sealed form. */
export async function readTicketMessage(
  deps: Pick<SupportDeps, 'sealer'>,
  ticket: StoredTicket,
  message: StoredMessage,
): Promise<TicketMessage> {
  const contents = JSON.parse(
    await deps.sealer.open(message.sealed, ticketContext(ticket)),
  ) as MessageContents;
  return {
    messageId: message.messageId,
    author: { kind: message.authorKind, id: message.authorId },
    senderEmail: contents.senderEmail,
    text: contents.text,
    createdAt: message.createdAt,
  };
}

/**
 * Opens a ticket for a member of an organization; what they wrote and their address are kept sealed
 * [PP-05]. Used by the API and by mail intake (channel `mail`).
 */
export async function openTicket(
  deps: SupportDeps,
  opener: { orgId: string; userId: string; email: string },
  body: CreateTicketBody,
  channel: StoredTicket['channel'] = 'api',
  /** A ticket id derived from the source (a mail's id), so a redelivered mail opens no second ticket. */
  ticketId: string = deps.ids.newId(),
): Promise<TicketSummary> {
  const now = deps.clock.now().toISOString();
  const identity = { orgId: opener.orgId, ticketId };
  const contents: TicketContents = {
    subject: body.subject,
    senderEmail: opener.email,
    studyInstanceUid: body.studyInstanceUid ?? null,
  };
  const ticket: StoredTicket = {
    ...identity,
    status: 'open',
    channel,
    openedBy: opener.userId,
    createdAt: now,
    updatedAt: now,
    sealed: await deps.sealer.seal(JSON.stringify(contents), ticketContext(identity)),
  };
  const first: StoredMessage = {
    ticketId: ticket.ticketId,
    messageId: deps.ids.newId(),
    authorKind: 'customer',
    authorId: opener.userId,
    createdAt: now,
    sealed: await sealMessage(deps, ticket, { text: body.message, senderEmail: opener.email }),
  };
  await deps.store.createTicket(ticket, first);
  return summarizeTicket(deps, ticket);
}

/** A customer opening a ticket through the API: the address is the member's own, never from the body. */
export async function openCustomerTicket(
  deps: SupportDeps,
  principal: CustomerPrincipal,
  body: CreateTicketBody,
): Promise<TicketSummary> {
  const member = await deps.directory.getMember(principal.userId);
  if (!member) throw new NotFoundError('No such member.');
  return openTicket(deps, { orgId: principal.orgId, userId: principal.userId, email: member.email }, body);
}

/**
 * Who in an organization reads its tickets: the person who opened one, and those who manage the
 * organization's users (administrators by default). Tickets may quote patient details.
 */
function canReadTicket(reader: CustomerPrincipal, ticket: StoredTicket): boolean {
  return (
    ticket.orgId === reader.orgId &&
    (ticket.openedBy === reader.userId || reader.permissions.has('manage-users'))
  );
}

export async function listOrganizationTickets(
  deps: SupportDeps,
  reader: CustomerPrincipal,
): Promise<TicketSummary[]> {
  const tickets = await deps.store.listOrganizationTickets(reader.orgId, MAX_LISTED_TICKETS);
  const readable = tickets.filter((ticket) => canReadTicket(reader, ticket));
  return Promise.all(readable.map((ticket) => summarizeTicket(deps, ticket)));
}

export async function listStaffQueue(
  deps: SupportDeps,
  query: { status?: StoredTicket['status'] | undefined; limit: number },
): Promise<TicketSummary[]> {
  const tickets = await deps.store.listAllTickets(query.status, query.limit);
  return Promise.all(tickets.map((ticket) => summarizeTicket(deps, ticket)));
}

/** A ticket with its messages. `reader` null: staff, who may read any ticket (workforce routes only). */
export async function readTicket(
  deps: SupportDeps,
  reader: CustomerPrincipal | null,
  ticketId: string,
): Promise<Ticket> {
  const ticket = await deps.store.getTicket(ticketId);
  // Another organization's ticket, or one this member may not read, answers exactly like a missing one.
  if (!ticket || (reader !== null && !canReadTicket(reader, ticket)))
    throw new NotFoundError('No such ticket.');
  const messages = await deps.store.listMessages(ticketId);
  return {
    ...(await summarizeTicket(deps, ticket)),
    messages: await Promise.all(messages.map((message) => readTicketMessage(deps, ticket, message))),
  };
}

/**
 * A support engineer's answer: stored sealed, and the customer is told by transactional mail that an
 * answer waits (the answer itself stays in PACScribe: mail is not a secure store).
 */
export async function answerTicket(
  deps: NotifyingSupportDeps,
  staff: WorkforcePrincipal,
  ticketId: string,
  body: AnswerTicketBody,
): Promise<{ ticket: TicketSummary; message: TicketMessage }> {
  const ticket = await deps.store.getTicket(ticketId);
  if (!ticket) throw new NotFoundError('No such ticket.');
  const message: StoredMessage = {
    ticketId,
    messageId: deps.ids.newId(),
    authorKind: 'support',
    authorId: staff.staffId,
    createdAt: deps.clock.now().toISOString(),
    sealed: await sealMessage(deps, ticket, { text: body.message, senderEmail: null }),
  };
  const status = body.close ? 'closed' : 'open';
  await deps.store.addMessage(ticket, message, status);
  const summary = await summarizeTicket(deps, { ...ticket, status, updatedAt: message.createdAt });
  await deps.notifications.ticketAnswered(summary.senderEmail, ticketId);
  return { ticket: summary, message: await readTicketMessage(deps, ticket, message) };
}
