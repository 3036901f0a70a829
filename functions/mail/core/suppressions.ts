import type { SesMailEvent, Suppression } from '#schemas/mail/suppressions';
import type { Clock } from '../../shared/ports';
import type { MailRecipients, MailStore } from './ports';

export interface SuppressionDeps {
  store: Pick<MailStore, 'putSuppression' | 'listSuppressions'>;
  recipients: Pick<MailRecipients, 'findMemberByEmail'>;
  clock: Clock;
}

/**
 * A permanent bounce or a complaint suppresses the address: the send gate never sends it marketing again
 * (transactional mail is left to SES's own suppression list, which the configuration set applies).
 * Transient bounces and other events change nothing.
 */
export async function recordDeliveryEvent(deps: SuppressionDeps, event: SesMailEvent): Promise<number> {
  let addresses: { email: string; reason: Suppression['reason']; detail: string }[] = [];
  if (event.eventType === 'Bounce' && 'bounce' in event) {
    const bounce = event.bounce as {
      bounceType: string;
      bounceSubType: string;
      bouncedRecipients: { emailAddress: string }[];
    };
    if (bounce.bounceType !== 'Permanent') return 0;
    addresses = bounce.bouncedRecipients.map((recipient) => ({
      email: recipient.emailAddress.toLowerCase(),
      reason: 'bounce',
      detail: `Permanent/${bounce.bounceSubType}`.slice(0, 256),
    }));
  } else if (event.eventType === 'Complaint' && 'complaint' in event) {
    const complaint = event.complaint as {
      complainedRecipients: { emailAddress: string }[];
      complaintFeedbackType?: string;
    };
    addresses = complaint.complainedRecipients.map((recipient) => ({
      email: recipient.emailAddress.toLowerCase(),
      reason: 'complaint',
      detail: (complaint.complaintFeedbackType ?? 'complaint').slice(0, 256),
    }));
  }
  const at = deps.clock.now().toISOString();
  for (const { email, reason, detail } of addresses) {
    const member = await deps.recipients.findMemberByEmail(email);
    await deps.store.putSuppression(
      { email, userId: member?.userId ?? null, reason, detail, suppressedAt: at },
      member?.orgId ?? null,
    );
  }
  return addresses.length;
}

/** The organization's suppressed addresses, for those who manage its users. */
export async function listOrganizationSuppressions(
  deps: Pick<SuppressionDeps, 'store'>,
  orgId: string,
): Promise<{ suppressions: Suppression[] }> {
  return { suppressions: await deps.store.listSuppressions(orgId) };
}
