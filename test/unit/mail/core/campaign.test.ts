import { type CampaignDeps, runCampaign } from '../../../../functions/mail/core/campaign';
import { ConflictError } from '../../../../functions/shared/errors';
import type { Role } from '../../../../schemas/accounts/roles';
import { fixedClock } from '../../../support/fakes';
import {
  InMemoryMailStore,
  MemberDirectory,
  mailTestMember,
  RecordingTransport,
  testSecret,
} from '../../../support/mail-fakes';

function setup() {
  const store = new InMemoryMailStore();
  const recipients = new MemberDirectory();
  const transport = new RecordingTransport();
  const deps: CampaignDeps = {
    gate: {
      transport,
      recipients,
      store,
      unsubscribeKey: testSecret,
      clock: fixedClock(),
      apiBaseUrl: 'https://api.pacscribe.example',
    },
    store,
    listMembers: async () => [...recipients.members.values()],
  };
  const member = (role: Role, marketing: boolean | null) => {
    const added = recipients.add(mailTestMember(role));
    if (marketing !== null) {
      store.preferences.set(added.userId, {
        userId: added.userId,
        orgId: added.orgId,
        marketing,
        updatedAt: '2026-11-01T00:00:00.000Z',
        latestPropagationId: null,
      });
    }
    return added;
  };
  return { deps, store, transport, member };
}

describe('the campaign tool', () => {
  it('refuses a real run without a dry run of the same content, sending nothing', async () => {
    const { deps, transport, member } = setup();
    member('radiologist', true);
    await expect(runCampaign(deps, { template: 'product-update', dryRun: false })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await runCampaign(deps, { template: 'webinar-invitation', dryRun: true });
    await expect(runCampaign(deps, { template: 'product-update', dryRun: false })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(transport.sent).toEqual([]);
  });

  it('[PP-19] sends only to opted-in providers and administrators, counts the rest, and sends nobody twice', async () => {
    const { deps, transport, member } = setup();
    const eligible = [member('administrator', true), member('radiologist', true), member('clinician', true)];
    member('technologist', true);
    member('radiologist', false);
    member('clinician', null);

    const dry = await runCampaign(deps, { template: 'product-update', dryRun: true });
    expect(dry).toMatchObject({ members: 6, eligible: 3, sent: 0 });
    expect(dry.skipped).toMatchObject({ 'not-provider': 1, 'not-opted-in': 2 });
    expect(transport.sent).toEqual([]);

    const real = await runCampaign(deps, { template: 'product-update', dryRun: false });
    expect(real).toMatchObject({ members: 6, eligible: 3, sent: 3, alreadySent: 0 });
    expect(transport.sent.map((mail) => mail.to).sort()).toEqual(eligible.map((m) => m.email).sort());
    expect(transport.sent.every((mail) => mail.category === 'marketing')).toBe(true);

    const again = await runCampaign(deps, { template: 'product-update', dryRun: false });
    expect(again).toMatchObject({ sent: 0, alreadySent: 3 });
    expect(transport.sent).toHaveLength(3);
  });

  it('[PP-03] [PP-19] an opt-out between the dry run and the real run wins', async () => {
    const { deps, store, transport, member } = setup();
    const changed = member('clinician', true);
    await runCampaign(deps, { template: 'product-update', dryRun: true });
    const record = store.preferences.get(changed.userId);
    if (record) record.marketing = false;
    const real = await runCampaign(deps, { template: 'product-update', dryRun: false });
    expect(real.sent).toBe(0);
    expect(transport.sent).toEqual([]);
  });
});
