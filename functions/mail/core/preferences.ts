import type { Member } from '#schemas/accounts/entities';
import {
  type CommunicationPreferences,
  OPT_OUT_DEADLINE_BUSINESS_DAYS,
  type PreferenceRecord,
  type Propagation,
  type UnsubscribeResult,
  type UpdateCommunicationPreferencesBody,
} from '#schemas/mail/preferences';
import { InvalidInputError } from '../../shared/errors';
import { businessDayDeadline } from './business-days';
import type { PreferenceDeps, PropagationRecord } from './ports';
import { isMarketingRole } from './send-gate';

const TRANSACTIONAL = {
  enabled: true,
  changeable: false,
  description:
    'Account, billing receipts, security updates, service notices and privacy policy changes: always sent while your account is active.',
} as const;

/** The API view of a propagation: overdue once an opt-out is past its deadline without completing. */
export function propagationView(record: PropagationRecord, now: Date): Propagation {
  const { userId: _userId, orgId: _orgId, ...view } = record;
  const finishedAt = record.completedAt ? Date.parse(record.completedAt) : now.getTime();
  const overdue = record.direction === 'opt-out' && finishedAt > Date.parse(record.deadlineAt);
  return { ...view, overdue };
}

/** Anyone may read their own preferences [PP-20]. */
export async function getCommunicationPreferences(
  deps: Pick<PreferenceDeps, 'store' | 'clock'>,
  member: Pick<Member, 'userId' | 'role'>,
): Promise<CommunicationPreferences> {
  const record = await deps.store.getPreferences(member.userId);
  const latest = record?.latestPropagationId
    ? await deps.store.getPropagation(member.userId, record.latestPropagationId)
    : null;
  return {
    transactional: TRANSACTIONAL,
    marketing: {
      subscribed: record?.marketing ?? false,
      eligible: isMarketingRole(member.role),
      updatedAt: record?.updatedAt ?? null,
    },
    latestPropagation: latest ? propagationView(latest, deps.clock.now()) : null,
  };
}

/**
 * Records a marketing choice at once (the send gate reads this record, so an opt-out stops marketing
 * before any other system hears of it) and starts its propagation to every marketing system, with the
 * deadline in US business days [PP-21]. Choosing what is already chosen changes nothing.
 */
async function changeMarketing(
  deps: PreferenceDeps,
  member: Pick<Member, 'userId' | 'orgId'>,
  subscribed: boolean,
): Promise<{ changed: boolean; propagationId: string | null }> {
  const current = await deps.store.getPreferences(member.userId);
  if ((current?.marketing ?? false) === subscribed && current) {
    return { changed: false, propagationId: current.latestPropagationId };
  }
  const now = deps.clock.now();
  const propagationId = deps.ids.newId();
  const { deadlineDate, deadlineAt } = businessDayDeadline(now, OPT_OUT_DEADLINE_BUSINESS_DAYS);
  const preferences: PreferenceRecord = {
    userId: member.userId,
    orgId: member.orgId,
    marketing: subscribed,
    updatedAt: now.toISOString(),
    latestPropagationId: propagationId,
  };
  const propagation: PropagationRecord = {
    propagationId,
    userId: member.userId,
    orgId: member.orgId,
    direction: subscribed ? 'opt-in' : 'opt-out',
    requestedAt: now.toISOString(),
    deadlineDate,
    deadlineAt,
    status: 'in-progress',
    systems: {},
    completedAt: null,
  };
  await deps.store.recordPreferenceChange(preferences, propagation);
  await deps.workflow.start({ userId: member.userId, propagationId });
  return { changed: true, propagationId };
}

/** PUT /v1/me/communication-preferences: marketing in or out; transactional cannot be turned off [PP-22]. */
export async function updateCommunicationPreferences(
  deps: PreferenceDeps,
  member: Pick<Member, 'userId' | 'orgId' | 'role'>,
  body: UpdateCommunicationPreferencesBody,
): Promise<CommunicationPreferences> {
  if (body.transactional && !body.transactional.enabled) {
    throw new InvalidInputError(
      'Transactional mail (account, billing, security, service and policy notices) cannot be turned off while the account is active.',
      [{ path: 'transactional.enabled', message: 'must be true' }],
      'transactional_mail_required',
    );
  }
  await changeMarketing(deps, member, body.marketing.subscribed);
  return getCommunicationPreferences(deps, member);
}

/** The one-click unsubscribe (RFC 8058 POST): takes effect at once; a second click changes nothing. */
export async function unsubscribeMember(
  deps: PreferenceDeps,
  member: Pick<Member, 'userId' | 'orgId'>,
): Promise<UnsubscribeResult> {
  const result = await changeMarketing(deps, member, false);
  return {
    status: result.changed ? 'unsubscribed' : 'already-unsubscribed',
    propagationId: result.propagationId,
  };
}
