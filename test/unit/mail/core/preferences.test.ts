import { randomUUID } from 'node:crypto';
import type { PreferenceDeps } from '../../../../functions/mail/core/ports';
import {
  getCommunicationPreferences,
  unsubscribeMember,
  updateCommunicationPreferences,
} from '../../../../functions/mail/core/preferences';
import { InvalidInputError } from '../../../../functions/shared/errors';
import { ROLES } from '../../../../schemas/accounts/roles';
import { CommunicationPreferencesSchema } from '../../../../schemas/mail/preferences';
import { fixedClock } from '../../../support/fakes';
import { InMemoryMailStore, mailTestMember, RecordingPreferenceWorkflow } from '../../../support/mail-fakes';

function deps(now = '2026-11-25T15:00:00.000Z') {
  const store = new InMemoryMailStore();
  const workflow = new RecordingPreferenceWorkflow();
  const value: PreferenceDeps = {
    store,
    workflow,
    clock: fixedClock(now),
    ids: { newId: () => randomUUID() },
  };
  return { deps: value, store, workflow };
}

describe('communication preferences', () => {
  it.each(ROLES)('[PP-20] a %s reads and changes their own preferences', async (role) => {
    const { deps: d } = deps();
    const member = mailTestMember(role);
    const before = CommunicationPreferencesSchema.parse(await getCommunicationPreferences(d, member));
    expect(before.marketing.subscribed).toBe(false);
    expect(before.transactional).toMatchObject({ enabled: true, changeable: false });
    const after = await updateCommunicationPreferences(d, member, { marketing: { subscribed: true } });
    expect(after.marketing.subscribed).toBe(true);
    expect(after.marketing.eligible).toBe(role !== 'technologist');
    const out = await updateCommunicationPreferences(d, member, { marketing: { subscribed: false } });
    expect(out.marketing.subscribed).toBe(false);
    expect(out.latestPropagation?.direction).toBe('opt-out');
  });

  it('[PP-22] refuses to turn transactional mail off with transactional_mail_required, changing nothing', async () => {
    const { deps: d, store, workflow } = deps();
    const member = mailTestMember('clinician');
    const refused = updateCommunicationPreferences(d, member, {
      marketing: { subscribed: true },
      transactional: { enabled: false },
    });
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toMatchObject({ code: 'transactional_mail_required' });
    expect(store.preferences.size).toBe(0);
    expect(workflow.started).toEqual([]);
  });

  it('[PP-21] an opt-out is recorded at once with its 10-business-day deadline and starts its propagation (ids only)', async () => {
    const { deps: d, store, workflow } = deps('2026-11-25T15:00:00.000Z');
    const member = mailTestMember('radiologist');
    await updateCommunicationPreferences(d, member, { marketing: { subscribed: true } });
    const view = await updateCommunicationPreferences(d, member, { marketing: { subscribed: false } });
    expect((await store.getPreferences(member.userId))?.marketing).toBe(false);
    expect(view.latestPropagation).toMatchObject({
      direction: 'opt-out',
      status: 'in-progress',
      deadlineDate: '2026-12-10',
      overdue: false,
    });
    expect(workflow.started.at(-1)).toEqual({
      userId: member.userId,
      propagationId: view.latestPropagation?.propagationId,
    });
    expect(JSON.stringify(workflow.started)).not.toContain('@');
  });

  it('[PP-21] shows an opt-out as overdue once its deadline passed without completion', async () => {
    const { deps: d, store } = deps('2026-11-25T15:00:00.000Z');
    const member = mailTestMember('administrator');
    await updateCommunicationPreferences(d, member, { marketing: { subscribed: false } });
    const later = { store, clock: fixedClock('2026-12-11T06:00:00.000Z') };
    expect((await getCommunicationPreferences(later, member)).latestPropagation?.overdue).toBe(true);
    const onTime = { store, clock: fixedClock('2026-12-10T20:00:00.000Z') };
    expect((await getCommunicationPreferences(onTime, member)).latestPropagation?.overdue).toBe(false);
  });

  it('[PP-03] the one-click unsubscribe takes effect at once and a second click changes nothing', async () => {
    const { deps: d, store, workflow } = deps();
    const member = mailTestMember('clinician');
    await updateCommunicationPreferences(d, member, { marketing: { subscribed: true } });
    const first = await unsubscribeMember(d, member);
    expect(first.status).toBe('unsubscribed');
    expect((await store.getPreferences(member.userId))?.marketing).toBe(false);
    const started = workflow.started.length;
    const second = await unsubscribeMember(d, member);
    expect(second).toEqual({ status: 'already-unsubscribed', propagationId: first.propagationId });
    expect(workflow.started).toHaveLength(started);
  });
});
