import type { Member } from '#schemas/accounts/entities';
import { MARKETING_ROLES } from '#schemas/mail/preferences';
import type { Mailer, OutgoingMail } from '../../shared/mailer';
import type { Clock } from '../../shared/ports';
import { composeMarketingMail, type MarketingTemplate } from './marketing-templates';
import type { MailRecipients, MailStore, UnsubscribeKey } from './ports';
import { signUnsubscribeToken } from './unsubscribe-token';

/**
 * The one send gate. Every mail PACScribe sends passes through it and it decides by category:
 * - transactional (account, billing receipts, security updates, service and policy notices) always goes
 *   while the account is active; no preference turns it off [PP-02, PP-22];
 * - marketing goes only to an active provider (radiologist, clinician) or facility administrator who
 *   opted in, whose address is not suppressed, and carries a signed one-click unsubscribe [PP-03, PP-19].
 * The SES transport calls `admitToTransport` on every mail, so marketing that did not come through
 * `sendMarketing` is refused at the last step too.
 */
export type MarketingDecision =
  | { send: true }
  | {
      send: false;
      reason: 'no-such-member' | 'inactive' | 'not-provider' | 'not-opted-in' | 'suppressed';
    };

const cleared = new WeakSet<OutgoingMail>();

/** Called by the transport (SES adapter) on every mail before it leaves. */
export function admitToTransport(mail: OutgoingMail): void {
  if (mail.category === 'transactional') return;
  if (!cleared.has(mail)) {
    throw new Error('marketing mail must go through the send gate (sendMarketing)');
  }
}

export const isMarketingRole = (role: string) => (MARKETING_ROLES as readonly string[]).includes(role);

/** Whether this person may receive marketing now; pure over the facts read. */
export function decideMarketing(
  member: Member | null,
  optedIn: boolean,
  suppressed: boolean,
): MarketingDecision {
  if (!member) return { send: false, reason: 'no-such-member' };
  if (member.status !== 'active') return { send: false, reason: 'inactive' };
  if (!isMarketingRole(member.role)) return { send: false, reason: 'not-provider' };
  if (!optedIn) return { send: false, reason: 'not-opted-in' };
  if (suppressed) return { send: false, reason: 'suppressed' };
  return { send: true };
}

export interface SendGateDeps {
  transport: Mailer;
  recipients: Pick<MailRecipients, 'getMember'>;
  store: Pick<MailStore, 'getPreferences' | 'getSuppression'>;
  unsubscribeKey: UnsubscribeKey;
  clock: Clock;
  /** The public API base: unsubscribe links point at `<apiBaseUrl>/v1/unsubscribe/<token>`. */
  apiBaseUrl: string;
}

/** Marketing to one person, if the gate allows it: the decision is made from fresh reads at send time. */
export async function sendMarketing(
  deps: SendGateDeps,
  userId: string,
  template: MarketingTemplate,
): Promise<MarketingDecision> {
  const member = await deps.recipients.getMember(userId);
  const [preferences, suppression] = await Promise.all([
    deps.store.getPreferences(userId),
    member ? deps.store.getSuppression(member.email) : Promise.resolve(null),
  ]);
  const decision = decideMarketing(member, preferences?.marketing === true, suppression !== null);
  if (!decision.send || !member) return decision;
  const token = signUnsubscribeToken(await deps.unsubscribeKey.secret(), userId, deps.clock.now());
  const unsubscribeUrl = new URL(`/v1/unsubscribe/${token}`, deps.apiBaseUrl).toString();
  const mail = composeMarketingMail(template, member, unsubscribeUrl);
  cleared.add(mail);
  await deps.transport.send(mail);
  return decision;
}

/**
 * The Mailer every context is given: transactional mail passes the gate as it is; marketing handed to it
 * is refused (it needs the recipient's id, consent and unsubscribe link, which only sendMarketing adds).
 */
export class GatedMailer implements Mailer {
  constructor(private readonly transport: Mailer) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (mail.category !== 'transactional') {
      throw new Error('marketing mail must go through the send gate (sendMarketing)');
    }
    return this.transport.send(mail);
  }
}
