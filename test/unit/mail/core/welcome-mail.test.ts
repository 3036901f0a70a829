import { composeWelcomeMail, sendWelcomeMail } from '../../../../functions/mail/core/welcome-mail';
import { NotFoundError } from '../../../../functions/shared/errors';
import type { Mailer, OutgoingMail } from '../../../../functions/shared/mailer';
import type { Member, Organization } from '../../../../schemas/accounts/entities';
import { fixedClock, InMemoryAccounts } from '../../../support/fakes';

const now = '2026-11-24T12:00:00.000Z';
const organization: Organization = {
  orgId: 'org-a',
  name: 'Bay <Imaging> & Co',
  createdAt: now,
  createdBy: 'u1',
  adminCount: 1,
};
const founder: Member = {
  userId: 'u1',
  orgId: 'org-a',
  email: 'founder@bay.example',
  name: 'Robin Founder',
  role: 'administrator',
  professionalRole: 'radiologist',
  permissions: ['view'],
  status: 'active',
  tokensValidAfter: now,
  createdAt: now,
  createdBy: 'u1',
};

class RecordingMailer implements Mailer {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { messageId: `m-${this.sent.length}` };
  }
}

async function setup() {
  const accounts = new InMemoryAccounts();
  await accounts.createOrganization(organization, founder);
  const mailer = new RecordingMailer();
  return {
    accounts,
    mailer,
    deps: { accounts, mailer, clock: fixedClock(), appBaseUrl: 'https://app.example' },
  };
}

describe('the welcome mail', () => {
  it('[PP-02] is transactional mail to the founder, sent once even when the workflow step is retried', async () => {
    const { mailer, deps } = await setup();

    await expect(sendWelcomeMail(deps, { orgId: 'org-a', userId: 'u1' })).resolves.toEqual({
      status: 'sent',
    });
    await expect(sendWelcomeMail(deps, { orgId: 'org-a', userId: 'u1' })).resolves.toEqual({
      status: 'already-sent',
    });

    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'founder@bay.example', category: 'transactional' });
  });

  it('tells the founder which important mail to expect', () => {
    const mail = composeWelcomeMail(founder, organization, 'https://app.example');

    expect(mail.text).toMatch(/billing receipts, security updates and service notices/);
    expect(mail.text).toContain('https://app.example/console/');
  });

  it('escapes organization names in the HTML part', () => {
    const mail = composeWelcomeMail(founder, organization, 'https://app.example');

    expect(mail.html).not.toContain('<Imaging>');
    expect(mail.html).toContain('&#60;Imaging&#62;');
  });

  it('refuses ids that do not belong together', async () => {
    const { deps } = await setup();

    await expect(sendWelcomeMail(deps, { orgId: 'org-b', userId: 'u1' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
