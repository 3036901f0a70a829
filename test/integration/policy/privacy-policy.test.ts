import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { callApi, localConfig, postJson, sentMail } from '../../support/local-client';
import { localTables } from '../../support/local-tables';
import {
  acceptInvitation,
  freshOrganization,
  invitationPassword,
  type TestOrganization,
} from '../../support/organizations';

// The integration stack serves the fixtures (test/fixtures/policies/privacy): 1 = the repository's
// policy, 2 a material update, 3 an editorial one; all three are past their effective dates.
const tables = localTables();
let documents: DynamoDBDocumentClient;
let org: TestOrganization;

const publish = (version: number) => {
  const run = spawnSync(
    'node',
    [
      '--import',
      'tsx',
      'scripts/policy-publish.ts',
      '--version',
      String(version),
      '--format',
      'json',
      '--data-dir',
      path.dirname(String(process.env.PACSCRIBE_LOCAL_CONFIG)),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`policy:publish failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
};

async function activeMemberEmails(): Promise<string[]> {
  const config = localConfig();
  const items = (
    await documents.send(
      new ScanCommand({
        TableName: config.tables.accounts,
        FilterExpression: 'sk = :member AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':member': 'MEMBER', ':active': 'active' },
        ConsistentRead: true,
      }),
    )
  ).Items;
  return (items ?? []).map((item) => String(item.email));
}

const noticesOf = async (version: number) =>
  (await sentMail()).filter(
    (mail) => mail.subject === `PACScribe privacy policy updated (version ${version})`,
  );

beforeAll(async () => {
  const config = localConfig();
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: config.endpoints.dynamodb,
      region: config.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }),
  );
  org = await freshOrganization('policy');
});
afterAll(() => {
  tables.close();
  documents.destroy();
});

describe('the privacy policy, versioned', () => {
  it('[PP-23] serves the version in force with its Last Updated date, and older versions stay readable', async () => {
    const current = await callApi('GET', '/v1/privacy-policy');
    expect(current.status).toBe(200);
    expect(current.json()).toMatchObject({ version: 3, lastUpdated: '2026-03-01', current: 3 });
    expect(current.json().versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const first = await callApi('GET', '/v1/privacy-policy?version=1');
    expect(first.status).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, lastUpdated: '2026-01-01', current: 3 });
    expect(first.json().markdown).toContain('We will never rent, sell, or share your personal information');

    expect((await callApi('GET', '/v1/privacy-policy?version=99')).status).toBe(404);
  });

  it('[PP-23] lists every version and serves each one by number', async () => {
    const listed = await callApi('GET', '/v1/privacy-policy/versions');
    expect(listed.status).toBe(200);
    expect(listed.json().current).toBe(3);
    expect(listed.json().versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(listed.json().versions[2]).toMatchObject({
      version: 1,
      lastUpdated: '2026-01-01',
      material: true,
    });
    expect(listed.json().versions[0].markdown).toBeUndefined();

    const first = await callApi('GET', '/v1/privacy-policy/versions/1');
    expect(first.status).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, lastUpdated: '2026-01-01', current: 3 });

    const page = await callApi('GET', '/v1/privacy-policy/versions/2', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Last Updated: 2026-02-01');
    expect(page.text).not.toMatch(/<script|javascript:/i);

    expect((await callApi('GET', '/v1/privacy-policy/versions/99')).status).toBe(404);
    expect((await callApi('GET', '/v1/privacy-policy/versions/abc')).status).toBe(404);
  });

  it('renders sanitized HTML for a browser', async () => {
    const page = await callApi('GET', '/v1/privacy-policy?version=2', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Last Updated: 2026-02-01');
    expect(page.text).toContain('<h1>PACScribe Privacy Policy</h1>');
    // Fixture 2 carries a script and a javascript: link; neither survives.
    expect(page.text).not.toMatch(/<script|javascript:/i);
  });
});

describe('publishing', () => {
  it('[PP-23] a material version mails every active user once, opted-out ones included, and flags /v1/me', async () => {
    // A member who opted out of marketing (the attribute a preference store would set): still notified.
    await documents.send(
      new UpdateCommand({
        TableName: localConfig().tables.accounts,
        Key: { pk: `USER#${org.users.clinician.userId}`, sk: 'MEMBER' },
        UpdateExpression: 'SET marketingOptOut = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
    const active = await activeMemberEmails();

    const result = publish(2);

    const notices = await noticesOf(2);
    const notified = new Set(notices.flatMap((mail) => mail.destination.to));
    const missing = active.filter((email) => !notified.has(email));
    expect(missing).toEqual([]);
    expect(notified.has(org.users.clinician.email)).toBe(true);
    expect(notices).toHaveLength(notified.size);
    expect(result).toMatchObject({ version: 2, material: true, newlyPublished: true, alreadyNotified: 0 });
    expect(result.notified).toBe(result.activeUsers);
    expect(result.activeUsers).toBeGreaterThanOrEqual(active.length);
    console.log(`policy publish (material): ${result.notified}/${result.activeUsers} active users notified`);

    const me = await callApi('GET', '/v1/me', { token: org.users.clinician.accessToken });
    expect(me.json().policyNotice).toMatchObject({ version: 2, lastUpdated: '2026-02-01' });

    // Publishing again mails nobody twice.
    const again = publish(2);
    expect(again).toMatchObject({ newlyPublished: false, notified: 0 });
    expect(again.alreadyNotified).toBe(result.notified);
    expect(await noticesOf(2)).toHaveLength(notices.length);

    // Acknowledged, the notice is shown no more; acknowledging again changes nothing; both are recorded.
    const ack = await callApi('POST', '/v1/me/policy-notice/acknowledge', {
      token: org.users.clinician.accessToken,
    });
    expect(ack.status).toBe(200);
    expect(ack.json()).toEqual({ acknowledgedVersion: 2 });
    const after = await callApi('GET', '/v1/me', { token: org.users.clinician.accessToken });
    expect(after.json().policyNotice).toBeNull();
    const twice = await callApi('POST', '/v1/me/policy-notice/acknowledge', {
      token: org.users.clinician.accessToken,
    });
    expect(twice.status).toBe(200);
    const events = (await tables.auditRecords(org.orgId)).map((record) => record.event);
    expect(events).toContain('policy-notice-acknowledged');
    // Others still see theirs until they acknowledge it.
    const other = await callApi('GET', '/v1/me', { token: org.users.radiologist.accessToken });
    expect(other.json().policyNotice).toMatchObject({ version: 2 });
  });

  it('[PP-23] a non-material version notifies nobody but is the one whose Last Updated the policy shows', async () => {
    const mailsBefore = (await sentMail()).length;

    const result = publish(3);

    expect(result).toMatchObject({ version: 3, material: false, notified: 0 });
    console.log(`policy publish (non-material): ${(await sentMail()).length - mailsBefore} mails sent`);
    expect(await noticesOf(3)).toEqual([]);
    expect((await sentMail()).length).toBe(mailsBefore);
    const current = (await callApi('GET', '/v1/privacy-policy')).json();
    expect(current.lastUpdated).toBe('2026-03-01');
    expect(current.lastUpdated).not.toBe(
      current.versions.find((v: { version: number }) => v.version === 2).lastUpdated,
    );
    expect(current.publishedAt).not.toBeNull();
  });
});

describe('continued use as acceptance', () => {
  it('[PP-24] 20 concurrent first requests record the acceptance exactly once', async () => {
    const email = `latecomer@${org.users.administrator.email.split('@')[1]}`;
    const created = await postJson(
      '/v1/users',
      { email, name: 'Late Comer', role: 'technologist' },
      org.users.administrator.accessToken,
    );
    expect(created.status).toBe(201);
    const userId = created.json().userId as string;
    const tokens = await acceptInvitation(email, await invitationPassword(email), 'Latecomer-Passw0rd-2026!');

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => callApi('GET', '/v1/me', { token: tokens.accessToken })),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const items = (
      await documents.send(
        new QueryCommand({
          TableName: localConfig().tables.accounts,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'userId = :user',
          ExpressionAttributeValues: { ':pk': `POLICYACCEPT#${org.orgId}`, ':user': userId },
        }),
      )
    ).Items;
    console.log(`continued use: ${items?.length} acceptance recorded under 20 concurrent first requests`);
    expect(items).toHaveLength(1);
    expect(items?.[0]).toMatchObject({ version: 3, userId, orgId: org.orgId });
    expect(await tables.accountsItem(`USER#${userId}`, 'MEMBER')).toMatchObject({ acceptedPolicyVersion: 3 });

    const listed = await callApi('GET', '/v1/privacy-policy/acceptances?version=3', {
      token: org.users.administrator.accessToken,
    });
    expect(listed.status).toBe(200);
    const mine = listed.json().acceptances.filter((a: { userId: string }) => a.userId === userId);
    expect(mine).toHaveLength(1);
    expect(listed.json().acceptances.every((a: { orgId: string }) => a.orgId === org.orgId)).toBe(true);
  });

  it('lists acceptances to administrators only, and records the listing', async () => {
    const denied = await callApi('GET', '/v1/privacy-policy/acceptances', {
      token: org.users.technologist.accessToken,
    });
    expect(denied.status).toBe(403);
    const allowed = await callApi('GET', '/v1/privacy-policy/acceptances', {
      token: org.users.administrator.accessToken,
    });
    expect(allowed.status).toBe(200);
    const events = (await tables.auditRecords(org.orgId)).map((record) => record.event);
    expect(events).toContain('policy-acceptances-listed');
  });
});
