import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../../../functions/mail/adapters/ses-mailer';
import { transactionalMail } from '../../../../functions/mail/core/html';
import { MARKETING_TEMPLATES } from '../../../../functions/mail/core/marketing-templates';
import { GatedMailer, type SendGateDeps, sendMarketing } from '../../../../functions/mail/core/send-gate';
import { verifyUnsubscribeToken } from '../../../../functions/mail/core/unsubscribe-token';
import { fixedClock } from '../../../support/fakes';
import {
  InMemoryMailStore,
  MemberDirectory,
  mailTestMember,
  RecordingTransport,
  testSecret,
} from '../../../support/mail-fakes';

const template = MARKETING_TEMPLATES['product-update'];
if (!template) throw new Error('no product-update template');

function gate() {
  const store = new InMemoryMailStore();
  const recipients = new MemberDirectory();
  const transport = new RecordingTransport();
  const deps: SendGateDeps = {
    transport,
    recipients,
    store,
    unsubscribeKey: testSecret,
    clock: fixedClock(),
    apiBaseUrl: 'https://api.pacscribe.example',
  };
  const optIn = (userId: string, marketing = true) =>
    store.preferences.set(userId, {
      userId,
      orgId: 'org',
      marketing,
      updatedAt: '2026-11-01T00:00:00.000Z',
      latestPropagationId: null,
    });
  return { deps, store, recipients, transport, optIn };
}

describe('the send gate', () => {
  it('[PP-19] sends marketing to opted-in providers and administrators, with RFC 8058 one-click headers and a signed link', async () => {
    const { deps, recipients, transport, optIn } = gate();
    for (const role of ['administrator', 'radiologist', 'clinician'] as const) {
      const member = recipients.add(mailTestMember(role));
      optIn(member.userId);
      expect(await sendMarketing(deps, member.userId, template)).toEqual({ send: true });
    }
    expect(transport.sent).toHaveLength(3);
    const mail = transport.sent[0];
    const unsubscribe = mail?.headers?.find((header) => header.name === 'List-Unsubscribe')?.value ?? '';
    expect(unsubscribe).toMatch(
      /^<https:\/\/api\.pacscribe\.example\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/,
    );
    expect(mail?.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    const token = unsubscribe.slice(unsubscribe.lastIndexOf('/') + 1, -1);
    expect(
      verifyUnsubscribeToken(await testSecret.secret(), token, new Date('2026-11-25T00:00:00Z')),
    ).not.toBeNull();
    // No address in the link; text and HTML both carry it.
    expect(unsubscribe).not.toContain('@');
    expect(mail?.text).toContain(unsubscribe.slice(1, -1));
    expect(mail?.html).toContain('Unsubscribe with one click');
  });

  it('[PP-19] never sends marketing to a technologist, even one whose record says opted in', async () => {
    const { deps, recipients, transport, optIn } = gate();
    const technologist = recipients.add(mailTestMember('technologist'));
    optIn(technologist.userId);
    expect(await sendMarketing(deps, technologist.userId, template)).toEqual({
      send: false,
      reason: 'not-provider',
    });
    expect(transport.sent).toEqual([]);
  });

  it('[PP-03] [PP-19] never sends marketing to someone who opted out or never opted in', async () => {
    const { deps, recipients, transport, optIn } = gate();
    const optedOut = recipients.add(mailTestMember('radiologist'));
    optIn(optedOut.userId, false);
    const silent = recipients.add(mailTestMember('administrator'));
    expect(await sendMarketing(deps, optedOut.userId, template)).toEqual({
      send: false,
      reason: 'not-opted-in',
    });
    expect(await sendMarketing(deps, silent.userId, template)).toEqual({
      send: false,
      reason: 'not-opted-in',
    });
    expect(transport.sent).toEqual([]);
  });

  it('never sends marketing to a suppressed address or a disabled member', async () => {
    const { deps, store, recipients, transport, optIn } = gate();
    const bounced = recipients.add(mailTestMember('clinician'));
    optIn(bounced.userId);
    await store.putSuppression(
      {
        email: bounced.email,
        userId: bounced.userId,
        reason: 'bounce',
        detail: 'Permanent/General',
        suppressedAt: '2026-11-01T00:00:00.000Z',
      },
      bounced.orgId,
    );
    const disabled = recipients.add(mailTestMember('clinician', { status: 'disabled' }));
    optIn(disabled.userId);
    expect(await sendMarketing(deps, bounced.userId, template)).toEqual({
      send: false,
      reason: 'suppressed',
    });
    expect(await sendMarketing(deps, disabled.userId, template)).toEqual({ send: false, reason: 'inactive' });
    expect(transport.sent).toEqual([]);
  });

  it('[PP-22] passes transactional mail to someone who opted out of marketing', async () => {
    const { store, recipients, transport, optIn } = gate();
    const member = recipients.add(mailTestMember('radiologist'));
    optIn(member.userId, false);
    expect((await store.getPreferences(member.userId))?.marketing).toBe(false);
    const notice = transactionalMail(member.email, 'PACScribe privacy policy updated', [
      'Version 2 is in force.',
    ]);
    await new GatedMailer(transport).send(notice);
    expect(transport.sent).toEqual([notice]);
  });

  it('refuses marketing handed to the ordinary mailer or straight to the SES transport', async () => {
    const transport = new RecordingTransport();
    const marketing = {
      ...transactionalMail('a@clinic.example', 'News', ['Hi']),
      category: 'marketing' as const,
    };
    await expect(new GatedMailer(transport).send(marketing)).rejects.toThrow(/send gate/);
    const client = new SESv2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const sendSpy = jest.spyOn(client, 'send');
    await expect(new SesMailer(client, 'no-reply@pacscribe.example', 'set').send(marketing)).rejects.toThrow(
      /send gate/,
    );
    expect(sendSpy).not.toHaveBeenCalled();
    expect(transport.sent).toEqual([]);
  });
});
