import type { PropagationTaskInput, PropagationTaskResult } from '#schemas/mail/propagation';
import { NotFoundError } from '../../shared/errors';
import type { Clock } from '../../shared/ports';
import type {
  MailMetrics,
  MailRecipients,
  MailStore,
  MarketingAudienceExport,
  MarketingContactList,
} from './ports';
import { propagationView } from './preferences';
import { isMarketingRole } from './send-gate';

export interface PropagationDeps {
  store: Pick<
    MailStore,
    'getPreferences' | 'getPropagation' | 'markSystemDone' | 'completePropagation' | 'listOverdueOptOuts'
  >;
  recipients: Pick<MailRecipients, 'getMember'>;
  contactList: MarketingContactList;
  audience: MarketingAudienceExport;
  clock: Clock;
}

/**
 * One step of the propagation workflow. Each step applies the person's CURRENT choice (not the one the
 * execution started with), so two quick changes cannot leave a system on the older one whichever
 * execution finishes last; each records its time once, so a retried step keeps the first.
 */
export async function runPropagationStep(
  deps: PropagationDeps,
  input: PropagationTaskInput,
): Promise<PropagationTaskResult> {
  const propagation = await deps.store.getPropagation(input.userId, input.propagationId);
  if (!propagation) throw new NotFoundError('no such propagation');
  const at = deps.clock.now().toISOString();
  if (input.step === 'complete') {
    await deps.store.completePropagation(input.userId, input.propagationId, at);
    return { step: input.step, at };
  }
  const preferences = await deps.store.getPreferences(input.userId);
  const member = await deps.recipients.getMember(input.userId);
  // Removed members and roles outside the audience are taken out everywhere, whatever their record says.
  const subscribed =
    preferences?.marketing === true && member?.status === 'active' && isMarketingRole(member.role);
  if (input.step === 'ses-contact-list' && member) {
    await deps.contactList.setTopicSubscription(member.email, subscribed);
  }
  if (input.step === 'audience-export') {
    if (subscribed && member) {
      await deps.audience.include({
        userId: member.userId,
        orgId: member.orgId,
        email: member.email,
        role: member.role,
        updatedAt: at,
      });
    } else {
      await deps.audience.exclude(input.userId);
    }
  }
  await deps.store.markSystemDone(input.userId, input.propagationId, input.step, at);
  return { step: input.step, at };
}

/**
 * The scheduled check [PP-21]: counts opt-outs past their deadline and not complete, and publishes the
 * count (the alarm fires on any). Returns the overdue propagations' ids (ids only).
 */
export async function checkOverdueOptOuts(
  deps: Pick<PropagationDeps, 'store' | 'clock'> & { metrics: MailMetrics },
): Promise<{ overdue: number; propagationIds: string[] }> {
  const now = deps.clock.now();
  const overdue = (await deps.store.listOverdueOptOuts(now.toISOString())).filter(
    (record) => propagationView(record, now).overdue,
  );
  deps.metrics.overdueOptOuts(overdue.length);
  return { overdue: overdue.length, propagationIds: overdue.map((record) => record.propagationId) };
}
