import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  listOrganizationSuppressions,
  recordDeliveryEvent,
} from '../../../../functions/mail/core/suppressions';
import { SesMailEventSchema, SnsMailEventsSchema } from '../../../../schemas/mail/suppressions';
import { EVENTS_DIR, loadEvent } from '../../../support/events';
import { fixedClock } from '../../../support/fakes';
import { InMemoryMailStore, MemberDirectory, mailTestMember } from '../../../support/mail-fakes';

const sesEvent = (file: string) => {
  const notification = SnsMailEventsSchema.parse(loadEvent(`mail/ses/${file}`));
  return SesMailEventSchema.parse(JSON.parse(notification.Records[0]?.Sns.Message ?? '{}'));
};

function setup() {
  const store = new InMemoryMailStore();
  const recipients = new MemberDirectory();
  const member = recipients.add(mailTestMember('radiologist', { email: 'radiologist@riverside.example' }));
  return { store, recipients, member, deps: { store, recipients, clock: fixedClock() } };
}

describe('SES bounces and complaints', () => {
  it.each(readdirSync(path.join(EVENTS_DIR, 'mail/ses')))(
    'the sample %s is an SNS notification of an SES event',
    (file) => {
      expect(() => sesEvent(file)).not.toThrow();
    },
  );

  it('a permanent bounce suppresses the address under its organization', async () => {
    const { deps, store, member } = setup();
    expect(await recordDeliveryEvent(deps, sesEvent('bounce-permanent.json'))).toBe(1);
    expect(await store.getSuppression(member.email)).toMatchObject({
      reason: 'bounce',
      userId: member.userId,
    });
    expect((await listOrganizationSuppressions(deps, member.orgId)).suppressions).toHaveLength(1);
    expect((await listOrganizationSuppressions(deps, 'another-org')).suppressions).toEqual([]);
  });

  it('a complaint suppresses the address; a transient bounce does not', async () => {
    const { deps, store, member } = setup();
    expect(await recordDeliveryEvent(deps, sesEvent('bounce-transient.json'))).toBe(0);
    expect(await store.getSuppression(member.email)).toBeNull();
    expect(await recordDeliveryEvent(deps, sesEvent('complaint.json'))).toBe(1);
    expect(await store.getSuppression(member.email)).toMatchObject({ reason: 'complaint' });
  });
});
