import { createHash } from 'node:crypto';
import { redactCardNumbers } from '#schemas/shared/card-numbers';
import { CreateTicketBodySchema } from '#schemas/support/tickets';
import type { NotifyingSupportDeps } from './ports';
import { openTicket } from './tickets';

/** A received mail, as the intake reads it (parsed from MIME by the adapter). */
export interface ReceivedMail {
  /** The receiving service's id for this mail (SES messageId); redelivery carries the same id. */
  mailId: string;
  /** The envelope/header sender, already checked by SES (SPF/DKIM verdicts) in AWS. */
  from: string;
  subject: string;
  text: string;
  /** SES's spam, virus, SPF and DKIM verdicts; locally all 'PASS'. */
  verdicts: { spam: string; virus: string; spf: string; dkim: string };
}

export type IntakeOutcome =
  | { filed: true; ticketId: string; orgId: string }
  | { filed: false; reason: 'unknown-sender' | 'failed-verdict' | 'unreadable' | 'already-filed' };

/**
 * Files a mailed support request as a ticket of the sender's organization. A sender that is not an active
 * member, a message SES flagged, or one without text opens nothing and gets no answer: a reply would tell
 * a stranger whether an address has an account.
 */
export async function fileMailedRequest(
  deps: NotifyingSupportDeps,
  mail: ReceivedMail,
): Promise<IntakeOutcome> {
  const failed = Object.values(mail.verdicts).some((verdict) => verdict !== 'PASS');
  if (failed) return { filed: false, reason: 'failed-verdict' };
  const member = await deps.directory.findMemberByEmail(mail.from.trim().toLowerCase());
  if (member?.status !== 'active') return { filed: false, reason: 'unknown-sender' };
  // A mail cannot be refused the way a request is: card numbers in it are masked before it is stored [PP-16].
  const body = CreateTicketBodySchema.safeParse({
    subject: (redactCardNumbers(mail.subject).trim() || 'Support request by mail').slice(0, 200),
    message: redactCardNumbers(mail.text).slice(0, 10_000),
  });
  if (!body.success) return { filed: false, reason: 'unreadable' };
  const ticketId = `mail-${createHash('sha256').update(mail.mailId).digest('hex').slice(0, 40)}`;
  if (await deps.store.getTicket(ticketId)) return { filed: false, reason: 'already-filed' };
  const ticket = await openTicket(
    deps,
    { orgId: member.orgId, userId: member.userId, email: member.email },
    body.data,
    'mail',
    ticketId,
  );
  await deps.notifications.ticketReceived(member.email, ticket.ticketId);
  return { filed: true, ticketId: ticket.ticketId, orgId: ticket.orgId };
}
