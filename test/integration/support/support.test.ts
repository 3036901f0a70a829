import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import { testUid } from '../../support/dicom-files';
import {
  type ApiResponse,
  callApi,
  localConfig,
  postJson,
  sentMail,
  signIn,
} from '../../support/local-client';
import { localDocuments, localTables } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { newStaffIdentity, writeStaffRecord } from '../../support/staff';
import { storedStudyAndSession } from '../../support/stow';

const tables = localTables();
let documents: DynamoDBDocumentClient;
let org: TestOrganization;
let other: TestOrganization;
let engineer: { accessToken: string; staffId: string };
let stored: Awaited<ReturnType<typeof storedStudyAndSession>>;

const subjectOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
const requestIdOf = (response: ApiResponse) => String(response.headers['x-request-id']);

async function seededStaff(role: 'support-engineer' | 'compliance-reviewer') {
  const user = localConfig().users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`no seeded ${role}`);
  const { accessToken } = await signIn(user.email, user.password, 'support');
  return { accessToken, staffId: subjectOf(accessToken) };
}

beforeAll(async () => {
  const _config = localConfig();
  documents = localDocuments();

  [org, other] = await Promise.all([freshOrganization('support'), freshOrganization('support-other')]);
  engineer = await seededStaff('support-engineer');
  stored = await storedStudyAndSession(org.users.technologist.accessToken, { patientId: 'SUPPORT-1' });
});
afterAll(() => {
  tables.close();
  documents.destroy();
});

const openTicket = async (token: string, subject = 'Viewer shows a blank series') => {
  const response = await postJson(
    '/v1/support/tickets',
    { subject, message: `Series ${stored.series} renders black in the viewer.\nCan you look?` },
    token,
  );
  expect(response.status).toBe(201);
  return response.json().ticketId as string;
};

const requestGrant = (token: string, body: Record<string, unknown>) =>
  postJson(
    '/v1/support/access-grants',
    { reason: 'Diagnose the blank series in the ticket', ...body },
    token,
  );

async function activeGrant(ticketId: string, target = org, staff = engineer): Promise<string> {
  const response = await requestGrant(staff.accessToken, { orgId: target.orgId, ticketId });
  expect(response.status).toBe(201);
  expect(response.json().status).toBe('active');
  return response.json().grantId as string;
}

const underGrant = (
  method: string,
  url: string,
  grantId: string,
  token = engineer.accessToken,
  body?: string,
) => callApi(method, url, { token, headers: { 'x-support-grant': grantId }, ...(body ? { body } : {}) });

async function recordOf(orgId: string, response: ApiResponse) {
  const requestId = requestIdOf(response);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const found = (await tables.auditRecords(orgId)).find((record) => record.requestId === requestId);
    if (found) return found;
  }
  return undefined;
}

describe('[PP-05] support tickets', () => {
  it('keeps the message and the sender address only as ciphertext at rest, and shows them to the organization', async () => {
    const subject = `Blank series ${randomUUID()}`;
    const ticketId = await openTicket(org.users.radiologist.accessToken, subject);

    const read = await callApi('GET', `/v1/support/tickets/${ticketId}`, {
      token: org.users.radiologist.accessToken,
    });
    expect(read.status).toBe(200);
    expect(read.json()).toMatchObject({
      ticketId,
      orgId: org.orgId,
      subject,
      status: 'open',
      senderEmail: org.users.radiologist.email.toLowerCase(),
      messages: [{ author: { kind: 'customer' }, text: expect.stringContaining('renders black') }],
    });

    const item = (
      await documents.send(
        new GetCommand({
          TableName: localConfig().tables.support,
          Key: { pk: `TICKET#${ticketId}`, sk: 'TICKET' },
        }),
      )
    ).Item;
    const messages = await documents.send(
      new QueryCommand({
        TableName: localConfig().tables.support,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `TICKET#${ticketId}` },
      }),
    );
    const atRest = JSON.stringify([item, messages.Items]);
    expect(item).toBeDefined();
    expect(atRest).not.toContain(subject);
    expect(atRest).not.toContain('renders black');
    expect(atRest.toLowerCase()).not.toContain(org.users.radiologist.email.toLowerCase());
    // Kept for the retention period: the table's TTL attribute, about six years out.
    const sixYears = 2192 * 24 * 3600;
    expect(Number(item?.expiresAtEpoch) - Date.now() / 1000).toBeGreaterThan(sixYears - 3600);
  });

  it('shows a ticket to its opener and administrators only; another organization gets 404', async () => {
    const ticketId = await openTicket(org.users.clinician.accessToken);
    const get = (token: string) => callApi('GET', `/v1/support/tickets/${ticketId}`, { token });

    expect((await get(org.users.clinician.accessToken)).status).toBe(200);
    expect((await get(org.users.administrator.accessToken)).status).toBe(200);
    expect((await get(org.users.technologist.accessToken)).status).toBe(404);
    expect((await get(other.users.administrator.accessToken)).status).toBe(404);
    const listed = await callApi('GET', '/v1/support/tickets', {
      token: other.users.administrator.accessToken,
    });
    expect(listed.json().tickets.map((ticket: { ticketId: string }) => ticket.ticketId)).not.toContain(
      ticketId,
    );
  });

  it('lets support engineers read the queue and answer; the customer is told by mail, without the answer', async () => {
    const ticketId = await openTicket(org.users.radiologist.accessToken);
    const queue = await callApi('GET', '/v1/workforce/support/tickets?status=open', {
      token: engineer.accessToken,
    });
    expect(queue.status).toBe(200);
    expect(queue.json().tickets.map((ticket: { ticketId: string }) => ticket.ticketId)).toContain(ticketId);

    const answer = await postJson(
      `/v1/support/tickets/${ticketId}/messages`,
      { message: 'Secret remedy: clear the viewer cache.' },
      engineer.accessToken,
    );
    expect(answer.status).toBe(201);
    const mails = (await sentMail()).filter((mail) =>
      mail.destination.to.includes(org.users.radiologist.email.toLowerCase()),
    );
    const notice = mails.find((mail) => mail.body.text?.includes(ticketId));
    expect(notice?.subject).toBe('PACScribe support answered your request');
    expect(notice?.body.text).not.toContain('Secret remedy');
    // Recorded in the customer organization's trail under the engineer.
    expect(await recordOf(org.orgId, answer)).toMatchObject({
      event: 'support-ticket-answered',
      actor: { kind: 'support', userId: engineer.staffId },
    });

    const customerAnswer = await postJson(
      `/v1/support/tickets/${ticketId}/messages`,
      { message: 'I am not support' },
      org.users.administrator.accessToken,
    );
    expect(customerAnswer.status).toBe(401);
  });

  it('files mail from a member as a ticket, and mail from anyone else as nothing', async () => {
    const config = localConfig();
    const dir = mkdtempSync(path.join(tmpdir(), 'pacscribe-mail-'));
    const dataDir = path.dirname(process.env.PACSCRIBE_LOCAL_CONFIG ?? '');
    // Run asynchronously: a synchronous child would stall this process past the server's keep-alive timeout.
    const receive = async (
      from: string,
      subject: string,
      text = 'The worklist is empty since this morning.',
    ) => {
      const file = path.join(dir, `${randomUUID()}.eml`);
      writeFileSync(
        file,
        [
          `From: Someone <${from}>`,
          'To: support@pacscribe.example',
          `Subject: ${subject}`,
          `Message-ID: <${randomUUID()}@example.org>`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          text,
          '',
        ].join('\r\n'),
      );
      const run = await promisify(execFile)(
        'node',
        ['--import', 'tsx', 'scripts/mail-receive.ts', file, '--data-dir', dataDir],
        { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' } },
      );
      return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { outcomes: string[] };
    };
    const mailsBefore = (await sentMail()).length;

    const stranger = await receive(`stranger-${randomUUID().slice(0, 6)}@example.org`, 'Let me in');
    expect(stranger.outcomes).toEqual(['unknown-sender']);
    expect((await sentMail()).length).toBe(mailsBefore);

    const subject = `Worklist empty ${randomUUID().slice(0, 6)}`;
    expect((await receive(org.users.technologist.email, subject)).outcomes).toEqual(['filed']);
    const listed = await callApi('GET', '/v1/support/tickets', { token: org.users.technologist.accessToken });
    expect(listed.json().tickets).toEqual(
      expect.arrayContaining([expect.objectContaining({ subject, channel: 'mail' })]),
    );
    expect(config.handlerEnv.SUPPORT_INBOUND_MAIL_PREFIX).toBe('inbound/');

    // A mail cannot be refused as a request is: a card number in it is masked before it is stored.
    const billingSubject = `Charged twice ${randomUUID().slice(0, 6)}`;
    const mailed = await receive(
      org.users.administrator.email,
      billingSubject,
      'Our card 4111 1111 1111 1111 was charged twice this month.',
    );
    expect(mailed.outcomes).toEqual(['filed']);
    const tickets = await callApi('GET', '/v1/support/tickets', {
      token: org.users.administrator.accessToken,
    });
    const filed = tickets
      .json()
      .tickets.find((ticket: { subject: string }) => ticket.subject === billingSubject);
    const ticket = await callApi('GET', `/v1/support/tickets/${filed.ticketId}`, {
      token: org.users.administrator.accessToken,
    });
    expect(ticket.text).not.toContain('4111 1111 1111 1111');
    expect(ticket.json().messages[0].text).toContain('**** **** **** 1111');
  });

  it('[PP-16] refuses a ticket whose message holds a card number, storing nothing', async () => {
    const subject = `Card question ${randomUUID().slice(0, 6)}`;
    const token = org.users.administrator.accessToken;
    const response = await postJson(
      '/v1/support/tickets',
      { subject, message: 'Please charge 5555-5555-5555-4444 for next year.' },
      token,
    );
    expect(`${response.status} ${response.json().error.code}`).toBe('400 card_data_refused');
    const listed = await callApi('GET', '/v1/support/tickets', { token });
    expect(listed.text).not.toContain(subject);
  });
});

describe('[PP-08] support access grants', () => {
  it('refuses a grant to a customer, for a ticket of another organization, and for a closed ticket', async () => {
    const ticketId = await openTicket(org.users.administrator.accessToken);
    expect(
      (await requestGrant(org.users.administrator.accessToken, { orgId: org.orgId, ticketId })).status,
    ).toBe(401);
    expect((await requestGrant(engineer.accessToken, { orgId: other.orgId, ticketId })).status).toBe(404);

    const closing = await postJson(
      `/v1/support/tickets/${ticketId}/messages`,
      { message: 'Solved.', close: true },
      engineer.accessToken,
    );
    expect(closing.status).toBe(201);
    const closed = await requestGrant(engineer.accessToken, { orgId: org.orgId, ticketId });
    expect(closed.status).toBe(409);
  });

  it('allows no mutating, exporting or original-data route under an active grant, and records each refusal', async () => {
    const grantId = await activeGrant(await openTicket(org.users.radiologist.accessToken));
    const refusedRoutes = (routes as readonly RouteDefinition[]).filter(
      (route) =>
        (route.access.kind === 'member' || route.access.kind === 'action') &&
        route.access.supportView !== true,
    );
    const attempts: { route: string; status: number; code: string | undefined; recorded: boolean }[] = [];
    for (const route of refusedRoutes) {
      const url = route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
        ['study', 'series', 'instance'].includes(name) ? testUid() : randomUUID(),
      );
      const response = await underGrant(
        route.method,
        url,
        grantId,
        engineer.accessToken,
        route.request?.body ? '{}' : undefined,
      );
      const record = await recordOf(org.orgId, response);
      attempts.push({
        route: `${route.method} ${route.path}`,
        status: response.status,
        code: response.status === 403 ? response.json().error.code : undefined,
        recorded:
          record?.event === 'access-denied' &&
          record.eventId.meaning === 'Security Alert' &&
          record.actor.userId === engineer.staffId &&
          record.reason === 'Diagnose the blank series in the ticket',
      });
    }
    const succeeded = attempts.filter((attempt) => attempt.status < 400);
    console.log(
      `support mutating/exporting attempts: ${attempts.length} tried, ${succeeded.length} succeeded`,
    );
    expect(attempts.length).toBeGreaterThan(20);
    expect(
      attempts.filter((attempt) => attempt.status !== 403 || attempt.code !== 'support_read_only'),
    ).toEqual([]);
    expect(attempts.filter((attempt) => !attempt.recorded)).toEqual([]);
    expect(attempts.map((attempt) => attempt.route)).toEqual(
      expect.arrayContaining([
        'DELETE /dicomweb/studies/{study}',
        'POST /dicomweb/studies',
        'GET /dicomweb/studies/{study}',
        'PATCH /v1/users/{userId}',
        'POST /v1/users',
      ]),
    );
  });

  it('refuses without a grant, with another engineer’s grant, and for a compliance reviewer holding one', async () => {
    const grantId = await activeGrant(await openTicket(org.users.radiologist.accessToken));
    const person = await newStaffIdentity('support-engineer');
    await writeStaffRecord(documents, person, 'active', ['support-engineer']);
    const second = await signIn(person.email, person.password, 'support');
    const reviewer = await seededStaff('compliance-reviewer');

    const noGrant = await callApi('GET', '/dicomweb/studies', { token: engineer.accessToken });
    const unknownGrant = await underGrant('GET', '/dicomweb/studies', randomUUID());
    const othersGrant = await underGrant('GET', '/dicomweb/studies', grantId, second.accessToken);
    const reviewerUse = await underGrant('GET', '/dicomweb/studies', grantId, reviewer.accessToken);
    const customerUse = await underGrant(
      'GET',
      '/dicomweb/studies',
      grantId,
      other.users.administrator.accessToken,
    );

    expect(noGrant.status).toBe(401);
    expect([unknownGrant, othersGrant, reviewerUse].map((response) => response.status)).toEqual([
      403, 403, 403,
    ]);
    expect(othersGrant.json().error.code).toBe('support_grant_invalid');
    // A customer's own token ignores the header: they see their own organization, never the grant's.
    expect(customerUse.status).toBe(200);
    expect(customerUse.text).not.toContain(stored.study);
    expect(await recordOf(org.orgId, othersGrant)).toMatchObject({
      event: 'access-denied',
      actor: { kind: 'support', userId: person.staffId },
    });
  });

  it('stops an expired or revoked grant at once', async () => {
    const expiring = await activeGrant(await openTicket(org.users.radiologist.accessToken));
    const revoking = await activeGrant(await openTicket(org.users.radiologist.accessToken));
    expect((await underGrant('GET', '/dicomweb/studies', expiring)).status).toBe(200);
    expect((await underGrant('GET', '/dicomweb/studies', revoking)).status).toBe(200);

    await documents.send(
      new UpdateCommand({
        TableName: localConfig().tables.support,
        Key: { pk: `GRANT#${expiring}`, sk: 'GRANT' },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const revoked = await callApi('DELETE', `/v1/support/access-grants/${revoking}`, {
      token: org.users.administrator.accessToken,
    });
    const foreignRevoke = await callApi('DELETE', `/v1/support/access-grants/${revoking}`, {
      token: other.users.administrator.accessToken,
    });

    expect(revoked.status).toBe(200);
    expect(foreignRevoke.status).toBe(404);
    expect((await underGrant('GET', '/dicomweb/studies', expiring)).json().error.code).toBe(
      'support_grant_invalid',
    );
    expect((await underGrant('GET', '/dicomweb/studies', revoking)).status).toBe(403);
  });

  it('waits for an administrator’s approval where the organization requires it', async () => {
    const strict = await freshOrganization('support-strict');
    const setting = await callApi('PUT', '/v1/support/settings', {
      token: strict.users.administrator.accessToken,
      body: JSON.stringify({ requireApproval: true }),
    });
    expect(setting.status).toBe(200);
    const ticketId = await openTicket(strict.users.radiologist.accessToken);
    const pending = await requestGrant(engineer.accessToken, { orgId: strict.orgId, ticketId });
    expect(pending.json()).toMatchObject({ status: 'pending-approval', expiresAt: null });
    const grantId = pending.json().grantId as string;

    expect((await underGrant('GET', '/v1/users', grantId)).status).toBe(403);
    const byClinician = await callApi('POST', `/v1/support/access-grants/${grantId}/approve`, {
      token: strict.users.clinician.accessToken,
    });
    const approved = await callApi('POST', `/v1/support/access-grants/${grantId}/approve`, {
      token: strict.users.administrator.accessToken,
    });
    expect(byClinician.status).toBe(403);
    expect(approved.status).toBe(200);
    expect((await underGrant('GET', '/v1/users', grantId)).status).toBe(200);
  });
});

// Telling administrators is transparency beyond the policy's clauses: no clause id.
describe('support access notices', () => {
  it('mails the organization’s administrators when a grant starts', async () => {
    const grantId = await activeGrant(await openTicket(org.users.radiologist.accessToken));
    const mail = (await sentMail()).find(
      (candidate) =>
        candidate.destination.to.includes(org.users.administrator.email.toLowerCase()) &&
        candidate.subject.startsWith('PACScribe support access to') &&
        candidate.body.text?.includes('Diagnose the blank series'),
    );
    expect(grantId).toBeTruthy();
    expect(mail).toBeDefined();
  });
});

describe('[PP-09] support access is logged and visible', () => {
  it('records every support read with date, time, staff id, reason, ticket and grant, and shows it to administrators', async () => {
    const ticketId = await openTicket(org.users.radiologist.accessToken);
    const grantId = await activeGrant(ticketId);
    const base = `/dicomweb/studies/${stored.study}`;
    const reads = [
      ['GET', '/v1/users'],
      ['GET', `/v1/users/${org.users.clinician.userId}`],
      ['GET', '/v1/support/settings'],
      ['GET', '/dicomweb/studies?PatientID=SUPPORT-1'],
      ['GET', `/dicomweb/series?StudyInstanceUID=${stored.study}`],
      ['GET', `/dicomweb/instances?StudyInstanceUID=${stored.study}`],
      ['GET', `${base}/series`],
      ['GET', `${base}/instances`],
      ['GET', `${base}/series/${stored.series}/instances`],
      ['GET', `${base}/metadata`],
      ['GET', `${base}/series/${stored.series}/metadata`],
      ['GET', `${base}/series/${stored.series}/instances/${stored.instance}/metadata`],
      ...['rendered', 'thumbnail'].flatMap((resource) => [
        ['GET', `${base}/${resource}`] as const,
        ['GET', `${base}/series/${stored.series}/${resource}`] as const,
        ['GET', `${base}/series/${stored.series}/instances/${stored.instance}/${resource}`] as const,
        ['GET', `${base}/series/${stored.series}/instances/${stored.instance}/frames/1/${resource}`] as const,
      ]),
    ] as const;
    const supportReadable = (routes as readonly RouteDefinition[]).filter(
      (route) =>
        (route.access.kind === 'member' || route.access.kind === 'action') && route.access.supportView,
    );
    let audited = 0;
    for (const [method, url] of reads) {
      const response = await underGrant(method, url, grantId);
      expect([url, response.status]).toEqual([url, 200]);
      const record = await recordOf(org.orgId, response);
      const complete =
        record?.actor.kind === 'support' &&
        record.actor.userId === engineer.staffId &&
        record.reason === 'Diagnose the blank series in the ticket' &&
        Number.isFinite(Date.parse(record.eventTime)) &&
        record.objects.some(
          (object: { type: string; id: string }) => object.type === 'support-grant' && object.id === grantId,
        ) &&
        record.objects.some(
          (object: { type: string; id: string }) => object.type === 'ticket' && object.id === ticketId,
        );
      if (complete) audited += 1;
    }
    console.log(`support reads audited: ${audited} / ${reads.length}`);
    expect(audited).toBe(reads.length);
    // Every route support may read under a grant is among them.
    expect(reads.length).toBe(supportReadable.length);

    const log = await callApi('GET', '/v1/support-access', { token: org.users.administrator.accessToken });
    expect(log.status).toBe(200);
    const grant = log.json().grants.find((candidate: { grantId: string }) => candidate.grantId === grantId);
    expect(grant).toMatchObject({
      staffId: engineer.staffId,
      ticketId,
      reason: 'Diagnose the blank series in the ticket',
    });
    expect(grant.accesses.map((access: { route: string }) => access.route)).toEqual(
      expect.arrayContaining(['GET /v1/users', 'GET /dicomweb/studies/{study}/metadata']),
    );
    expect(
      (await callApi('GET', '/v1/support-access', { token: org.users.clinician.accessToken })).status,
    ).toBe(403);
  });
});
