import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { signUnsubscribeToken } from '../../../functions/mail/core/unsubscribe-token';
import { ROLES, type Role } from '../../../schemas/accounts/roles';
import { callApi, localConfig, postJson, sentMail } from '../../support/local-client';
import { localDocuments } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

const PREFERENCES = '/v1/me/communication-preferences';
let org: TestOrganization;
let other: TestOrganization;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  [org, other] = await Promise.all([freshOrganization('mail'), freshOrganization('mail-other')]);
  documents = localDocuments();
});
afterAll(() => documents.destroy());

const preferencesOf = (role: Role) => callApi('GET', PREFERENCES, { token: org.users[role].accessToken });
const choose = (role: Role, subscribed: boolean, extra: object = {}) =>
  callApi('PUT', PREFERENCES, {
    token: org.users[role].accessToken,
    body: JSON.stringify({ marketing: { subscribed }, ...extra }),
  });

/** Reads the preferences until the latest change is complete (the local runner takes well under a second). */
async function untilPropagated(role: Role) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const body = (await preferencesOf(role)).json();
    if (body.latestPropagation?.status === 'complete') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${role}'s preference change never completed`);
}

const secret = () =>
  readFileSync(String(localConfig().handlerEnv.MAIL_UNSUBSCRIBE_SECRET).replace(/^file:/, ''));
const unsubscribePath = (userId: string) =>
  `/v1/unsubscribe/${signUnsubscribeToken(secret(), userId, new Date())}`;
const contactStatus = (email: string) => {
  const { contactListsFile, contactList } = localConfig().mail;
  const lists = JSON.parse(readFileSync(contactListsFile, 'utf8'));
  return lists[contactList]?.contacts?.[email]?.TopicPreferences?.[0]?.SubscriptionStatus as
    | string
    | undefined;
};
const audienceHas = async (userId: string) => {
  const config = localConfig();
  const response = await fetch(
    `${config.endpoints.s3}/${config.mail.audienceBucket}/audience/${userId}.json`,
  );
  return response.status === 200;
};

describe('communication preferences over HTTPS', () => {
  it.each(ROLES)('[PP-20] a %s reads and changes their own preferences in account settings', async (role) => {
    const before = await preferencesOf(role);
    expect(before.status).toBe(200);
    expect(before.json()).toMatchObject({
      transactional: { enabled: true, changeable: false },
      marketing: { subscribed: false, eligible: role !== 'technologist' },
    });
    const changed = await choose(role, true);
    expect(changed.status).toBe(200);
    expect(changed.json().marketing.subscribed).toBe(true);
    expect((await preferencesOf(role)).json().marketing.subscribed).toBe(true);
  });

  it('[PP-22] a request to turn transactional mail off is refused with 400 transactional_mail_required', async () => {
    const refused = await choose('clinician', false, { transactional: { enabled: false } });
    expect(refused.status).toBe(400);
    expect(refused.json().error.code).toBe('transactional_mail_required');
    // Nothing changed: the clinician is still subscribed (from the test above).
    expect((await preferencesOf('clinician')).json().marketing.subscribed).toBe(true);
  });

  it('[PP-21] an opt-out reaches every marketing system in the local workflow runner, with a timestamp per system', async () => {
    const radiologist = org.users.radiologist;
    await untilPropagated('radiologist');
    expect(contactStatus(radiologist.email)).toBe('OPT_IN');
    expect(await audienceHas(radiologist.userId)).toBe(true);

    const out = await choose('radiologist', false);
    expect(out.json().latestPropagation).toMatchObject({ direction: 'opt-out', overdue: false });
    const done = await untilPropagated('radiologist');
    const propagation = done.latestPropagation;
    expect(Object.keys(propagation.systems).sort()).toEqual([
      'audience-export',
      'preference-record',
      'ses-contact-list',
    ]);
    expect(propagation.completedAt >= propagation.requestedAt).toBe(true);
    expect(propagation.deadlineDate > propagation.requestedAt.slice(0, 10)).toBe(true);
    expect(contactStatus(radiologist.email)).toBe('OPT_OUT');
    expect(await audienceHas(radiologist.userId)).toBe(false);
    console.log(
      `opt-out propagated locally in ${Date.parse(propagation.completedAt) - Date.parse(propagation.requestedAt)} ms; deadline ${propagation.deadlineDate}`,
    );
  });
});

describe('one-click unsubscribe', () => {
  it('[PP-03] a GET of the link shows a confirmation page and changes nothing', async () => {
    const shown = await callApi('GET', unsubscribePath(org.users.administrator.userId));
    expect(shown.status).toBe(200);
    expect(String(shown.headers['content-type'])).toContain('text/html');
    expect(shown.text).toContain('<form method="post"');
    expect((await preferencesOf('administrator')).json().marketing.subscribed).toBe(true);
  });

  it('[PP-03] a POST of the link works without login, takes effect at once, and a second POST changes nothing', async () => {
    const link = unsubscribePath(org.users.administrator.userId);
    const first = await callApi('POST', link, {
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(first.status).toBe(200);
    expect(first.json().status).toBe('unsubscribed');
    expect((await preferencesOf('administrator')).json().marketing.subscribed).toBe(false);
    const second = await callApi('POST', link, { body: 'List-Unsubscribe=One-Click' });
    expect(second.json()).toEqual({
      status: 'already-unsubscribed',
      propagationId: first.json().propagationId,
    });
  });

  it('[PP-03] a forged or altered link changes nothing', async () => {
    const genuine = unsubscribePath(org.users.clinician.userId);
    const forged = `/v1/unsubscribe/${signUnsubscribeToken(Buffer.alloc(32, 9), org.users.clinician.userId, new Date())}`;
    for (const link of [forged, `${genuine.slice(0, -2)}xx`]) {
      expect((await callApi('POST', link)).status).toBe(404);
      expect((await callApi('GET', link)).status).toBe(404);
    }
    expect((await preferencesOf('clinician')).json().marketing.subscribed).toBe(true);
  });

  it('[PP-22] an opted-out member still receives transactional mail', async () => {
    const email = org.users.administrator.email;
    expect((await preferencesOf('administrator')).json().marketing.subscribed).toBe(false);
    const before = (await sentMail()).length;
    // Someone tries to sign up with the address: the account's owner gets the transactional notice.
    const signup = await postJson('/v1/signup', {
      name: 'Again',
      organizationName: 'Again',
      role: 'clinician',
      email,
    });
    expect(signup.status).toBe(202);
    const notices = (await sentMail())
      .slice(before)
      .filter((mail) => mail.destination.to.includes(email) && mail.subject.includes('Sign-up attempt'));
    expect(notices).toHaveLength(1);
  });
});

describe('suppressed addresses', () => {
  it('administrators see their own organization’s suppressed addresses, and nobody else’s', async () => {
    const clinician = org.users.clinician;
    await documents.send(
      new PutCommand({
        TableName: localConfig().tables.mail,
        Item: {
          pk: `SUPPRESSED#${clinician.email}`,
          sk: 'SUPPRESSED',
          email: clinician.email,
          userId: clinician.userId,
          reason: 'bounce',
          detail: 'Permanent/General',
          suppressedAt: new Date().toISOString(),
          orgId: org.orgId,
          gsi1pk: `ORG#${org.orgId}#SUPPRESSED`,
          gsi1sk: clinician.email,
        },
      }),
    );
    const own = await callApi('GET', '/v1/mail/suppressions', { token: org.users.administrator.accessToken });
    expect(own.status).toBe(200);
    expect(own.json().suppressions).toEqual([
      expect.objectContaining({ email: clinician.email, reason: 'bounce' }),
    ]);
    const foreign = await callApi('GET', '/v1/mail/suppressions', {
      token: other.users.administrator.accessToken,
    });
    expect(foreign.json().suppressions).toEqual([]);
    expect((await callApi('GET', '/v1/mail/suppressions', { token: clinician.accessToken })).status).toBe(
      403,
    );
  });
});

describe('the campaign tool against the local stack', () => {
  const campaign = (...args: string[]) => {
    const dataDir = path.dirname(String(process.env.PACSCRIBE_LOCAL_CONFIG));
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(true);
    return spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/campaign.ts', '--data-dir', dataDir, '--format', 'json', ...args],
      { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
  };

  it('[PP-19] refuses without a dry run, then mails only opted-in providers and administrators, never technologists or opted-out people', async () => {
    // Here: the clinician is subscribed but suppressed, the technologist subscribed, the radiologist and the
    // administrator opted out. Give the other organization's clinician a clean subscription.
    await callApi('PUT', PREFERENCES, {
      token: other.users.clinician.accessToken,
      body: JSON.stringify({ marketing: { subscribed: true } }),
    });
    const refused = campaign('--template', 'webinar-invitation');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('dry run');

    const before = (await sentMail()).length;
    const dry = campaign('--template', 'webinar-invitation', '--dry-run');
    expect(dry.status).toBe(0);
    const dryReport = JSON.parse(dry.stdout.trim().split('\n').at(-1) ?? '{}');
    expect((await sentMail()).length).toBe(before);

    const real = campaign('--template', 'webinar-invitation');
    expect(real.status).toBe(0);
    const report = JSON.parse(real.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report.sent).toBe(dryReport.eligible);
    console.log(
      `campaign webinar-invitation: dry run ${dryReport.eligible} eligible of ${dryReport.members}; real run sent ${report.sent}; skipped ${JSON.stringify(report.skipped)}`,
    );
    const recipients = (await sentMail())
      .slice(before)
      .filter((mail) => mail.subject === 'Join a PACScribe reading-room webinar')
      .flatMap((mail) => mail.destination.to);
    expect(recipients).toContain(other.users.clinician.email);
    for (const role of ROLES) expect(recipients).not.toContain(org.users[role].email);
    expect(recipients).not.toContain(other.users.technologist.email);
  });
});
