import { randomUUID } from 'node:crypto';
import { emfMailMetrics } from '../../../../functions/mail/adapters/emf-metrics';
import { updateCommunicationPreferences } from '../../../../functions/mail/core/preferences';
import { checkOverdueOptOuts, runPropagationStep } from '../../../../functions/mail/core/propagation';
import { PROPAGATION_STEPS } from '../../../../schemas/mail/propagation';
import { fixedClock } from '../../../support/fakes';
import {
  InMemoryAudience,
  InMemoryContactList,
  InMemoryMailStore,
  MemberDirectory,
  mailTestMember,
  RecordingPreferenceWorkflow,
} from '../../../support/mail-fakes';

function setup(now = '2026-11-25T15:00:00.000Z') {
  const store = new InMemoryMailStore();
  const workflow = new RecordingPreferenceWorkflow();
  const recipients = new MemberDirectory();
  const contactList = new InMemoryContactList();
  const audience = new InMemoryAudience();
  const clock = fixedClock(now);
  const preferenceDeps = { store, workflow, clock, ids: { newId: () => randomUUID() } };
  const propagationDeps = { store, recipients, contactList, audience, clock };
  const runAll = async () => {
    const input = workflow.started.at(-1);
    if (!input) throw new Error('no propagation started');
    for (const step of PROPAGATION_STEPS) await runPropagationStep(propagationDeps, { ...input, step });
    return input.propagationId;
  };
  return { store, workflow, recipients, contactList, audience, preferenceDeps, propagationDeps, runAll };
}

describe('opt-out propagation', () => {
  it('[PP-21] reaches every marketing system and records a timestamp per system and the completion', async () => {
    const { recipients, contactList, audience, preferenceDeps, store, runAll } = setup();
    const member = recipients.add(mailTestMember('radiologist'));
    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: true } });
    await runAll();
    expect(contactList.topics.get(member.email)).toBe(true);
    expect(audience.entries.has(member.userId)).toBe(true);

    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: false } });
    const propagationId = await runAll();
    expect(contactList.topics.get(member.email)).toBe(false);
    expect(audience.entries.has(member.userId)).toBe(false);
    const record = await store.getPropagation(member.userId, propagationId);
    expect(record).toMatchObject({ direction: 'opt-out', status: 'complete' });
    expect(Object.keys(record?.systems ?? {}).sort()).toEqual([
      'audience-export',
      'preference-record',
      'ses-contact-list',
    ]);
    expect(record?.completedAt).toEqual(expect.any(String));
  });

  it('[PP-19] keeps a technologist out of every marketing system even if their record says opted in', async () => {
    const { recipients, contactList, audience, preferenceDeps, runAll } = setup();
    const member = recipients.add(mailTestMember('technologist'));
    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: true } });
    await runAll();
    expect(contactList.topics.get(member.email)).toBe(false);
    expect(audience.entries.has(member.userId)).toBe(false);
  });

  it('applies the current choice, so an older execution finishing last cannot resubscribe anyone', async () => {
    const { recipients, audience, preferenceDeps, propagationDeps, workflow } = setup();
    const member = recipients.add(mailTestMember('clinician'));
    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: true } });
    const optIn = workflow.started.at(-1);
    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: false } });
    if (!optIn) throw new Error('no opt-in');
    for (const step of PROPAGATION_STEPS) await runPropagationStep(propagationDeps, { ...optIn, step });
    expect(audience.entries.has(member.userId)).toBe(false);
  });

  it('[PP-21] the overdue check raises the alarm metric for an opt-out past its deadline, and reports zero otherwise', async () => {
    const { recipients, preferenceDeps, store } = setup('2026-11-25T15:00:00.000Z');
    const member = recipients.add(mailTestMember('administrator'));
    await updateCommunicationPreferences(preferenceDeps, member, { marketing: { subscribed: false } });
    const lines: string[] = [];
    const metrics = emfMailMetrics((line) => lines.push(line));

    const onTime = await checkOverdueOptOuts({
      store,
      clock: fixedClock('2026-12-10T12:00:00.000Z'),
      metrics,
    });
    expect(onTime.overdue).toBe(0);
    const late = await checkOverdueOptOuts({ store, clock: fixedClock('2026-12-11T12:00:00.000Z'), metrics });
    expect(late.overdue).toBe(1);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.OverdueOptOuts).toBe(0);
    expect(second.OverdueOptOuts).toBe(1);
    expect(second._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'PACScribe/Mail',
      Metrics: [{ Name: 'OverdueOptOuts', Unit: 'Count' }],
    });
    // Ids only in what the check returns and logs.
    expect(JSON.stringify(late)).not.toContain('@');
  });
});
