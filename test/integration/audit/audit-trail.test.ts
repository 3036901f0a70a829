import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { DynamoAuditChainStore } from '../../../functions/audit/adapters/dynamo-audit-log';
import type { ChainedAuditRecord } from '../../../functions/audit/core/archive';
import { verifyChain } from '../../../functions/audit/core/hash-chain';
import { AUDIT_CHAINS_PER_ORG } from '../../../schemas/audit/audit-event';
import { runAuditVerify } from '../../support/audit-cli';
import { type ApiResponse, callApi, localConfig, postJson, signIn } from '../../support/local-client';
import { localDocuments, localTables } from '../../support/local-tables';
import { freshOrganization, signUpVerified, type TestOrganization } from '../../support/organizations';
import { newStaffIdentity, writeStaffRecord } from '../../support/staff';

const tables = localTables();
let documents: DynamoDBDocumentClient;
let org: TestOrganization;
/** Every query adds its own record, so comparisons look at events up to a fixed instant. */
let until = '';
beforeAll(async () => {
  const _config = localConfig();
  documents = localDocuments();

  org = await freshOrganization('audit');
});
afterAll(() => {
  tables.close();
  documents.destroy();
});

const admin = () => org.users.administrator.accessToken;
const requestIdOf = (response: ApiResponse) => String(response.headers['x-request-id']);

async function chainsOf(orgId: string): Promise<Map<number, ChainedAuditRecord[]>> {
  const store = new DynamoAuditChainStore(documents, localConfig().tables.audit);
  const chains = new Map<number, ChainedAuditRecord[]>();
  for (let chain = 0; chain < AUDIT_CHAINS_PER_ORG; chain += 1) {
    const records: ChainedAuditRecord[] = [];
    for await (const record of store.chain({ orgId, chain })) records.push(record);
    if (records.length > 0) chains.set(chain, records);
  }
  return chains;
}

const recordsOf = async (orgId: string) => [...(await chainsOf(orgId)).values()].flat();

async function allPages(path: string, token: string): Promise<ChainedAuditRecord[]> {
  const events: ChainedAuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await callApi('GET', `${path}${cursor ? `${separator}cursor=${cursor}` : ''}`, { token });
    expect(page.status).toBe(200);
    events.push(...page.json().events);
    cursor = page.json().nextCursor;
  } while (cursor);
  return events;
}

describe('[PP-18] the audit trail over HTTPS', () => {
  it('records each audited action exactly once, with every required field, before answering', async () => {
    const actions = [
      await callApi('GET', '/v1/me', { token: org.users.clinician.accessToken }),
      await callApi('GET', '/v1/users', { token: admin() }),
      await callApi('GET', `/v1/users/${org.users.radiologist.userId}`, { token: admin() }),
      await callApi('PATCH', '/v1/me', {
        token: org.users.technologist.accessToken,
        body: JSON.stringify({ name: 'T' }),
      }),
      await callApi('GET', '/v1/users', { token: org.users.clinician.accessToken }),
      await callApi('GET', '/v1/audit-events', { token: admin() }),
    ];
    const chain = await recordsOf(org.orgId);
    for (const response of actions) {
      const matching = chain.filter((record) => record.requestId === requestIdOf(response));
      expect(matching).toHaveLength(1);
      const [record] = matching as [ChainedAuditRecord];
      expect(record.eventId.code).toMatch(/\S/);
      expect(['C', 'R', 'U', 'D', 'E']).toContain(record.action);
      expect([0, 4, 8, 12]).toContain(record.outcome);
      expect(Date.parse(record.eventTime)).not.toBeNaN();
      expect(record.actor).toMatchObject({
        kind: 'customer',
        userId: expect.any(String),
        role: expect.any(String),
      });
      expect(record.source.ip).toBeTruthy();
      expect(record.route).toMatch(/^(GET|POST|PATCH|DELETE) \//);
      if (record.outcome === 0) expect(record.objects.length).toBeGreaterThan(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    until = new Date().toISOString();
    expect(chain.find((record) => record.requestId === requestIdOf(actions[4] as ApiResponse))).toMatchObject(
      {
        event: 'access-denied',
        outcome: 4,
      },
    );
  });

  it('keeps each organization’s records in unbroken hash chains', async () => {
    const chains = await chainsOf(org.orgId);

    let total = 0;
    for (const [chain, records] of chains) {
      expect(verifyChain({ orgId: org.orgId, chain }, records)).toMatchObject({
        ok: true,
        records: records.length,
      });
      total += records.length;
    }
    expect(total).toBeGreaterThan(10);
  });

  it('filters by actor, action and outcome, and pages without gaps or repeats', async () => {
    const everything = await allPages(`/v1/audit-events?limit=1000&to=${until}`, admin());
    const paged = await allPages(`/v1/audit-events?limit=3&to=${until}`, admin());
    const byActor = await allPages(
      `/v1/audit-events?actor=${org.users.clinician.userId}&to=${until}`,
      admin(),
    );
    const creations = await allPages(`/v1/audit-events?action=C&to=${until}`, admin());
    const denied = await allPages(`/v1/audit-events?outcome=4&to=${until}`, admin());

    expect(paged.map((event) => event.recordId)).toEqual(everything.map((event) => event.recordId));
    expect(new Set(paged.map((event) => event.recordId)).size).toBe(paged.length);
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((event) => event.actor.userId === org.users.clinician.userId)).toBe(true);
    expect(byActor).toEqual(everything.filter((event) => event.actor.userId === org.users.clinician.userId));
    expect(creations).toEqual(everything.filter((event) => event.action === 'C'));
    expect(denied).toEqual(everything.filter((event) => event.outcome === 4));
    expect(denied.length).toBeGreaterThan(0);
  });

  it('selects by time range, inclusively', async () => {
    const everything = await allPages(`/v1/audit-events?limit=1000&to=${until}`, admin());
    const middle = everything[Math.floor(everything.length / 2)] as ChainedAuditRecord;

    const upToMiddle = await allPages(`/v1/audit-events?to=${middle.eventTime}&limit=1000`, admin());
    const fromMiddle = await allPages(
      `/v1/audit-events?from=${middle.eventTime}&to=${until}&limit=1000`,
      admin(),
    );

    expect(upToMiddle).toEqual(everything.filter((event) => event.eventTime <= middle.eventTime));
    expect(fromMiddle).toEqual(everything.filter((event) => event.eventTime >= middle.eventTime));
  });

  it('downloads exactly the matching records as CSV and as XLSX', async () => {
    const json = await allPages(`/v1/audit-events?action=R&limit=1000&to=${until}`, admin());

    const csv = await callApi('GET', `/v1/audit-events?action=R&limit=1000&to=${until}&format=csv`, {
      token: admin(),
    });
    const xlsx = await callApi('GET', `/v1/audit-events?action=R&limit=1000&to=${until}&format=xlsx`, {
      token: admin(),
    });

    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="audit-events.csv"');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^eventTime,seq,event,/);
    expect(lines.slice(1).map((line) => Number(line.split(',')[1]))).toEqual(json.map((event) => event.seq));

    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as never);
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(json.length + 1);
    expect(sheet?.getRow(2).getCell(2).value).toBe(json[0]?.seq);
  });

  it('refuses a cursor made for another organization, and repeated parameters', async () => {
    const other = await freshOrganization('audit-other');
    const page = (
      await callApi('GET', '/v1/audit-events?limit=1', { token: other.users.administrator.accessToken })
    ).json();

    const stolen = await callApi('GET', `/v1/audit-events?cursor=${page.nextCursor}`, { token: admin() });
    const polluted = await callApi('GET', '/v1/audit-events?action=R&action=C', { token: admin() });

    expect(stolen.status).toBe(400);
    expect(polluted.status).toBe(400);
    expect(polluted.json().error.code).toBe('invalid_request');
  });
});

describe('PACScribe compliance staff', () => {
  const staff = (role: string) => {
    const user = localConfig().users.find((candidate) => candidate.role === role);
    if (!user) throw new Error(`no ${role}`);
    return signIn(user.email, user.password, 'support');
  };

  it('[PP-09] read an organization’s trail only with a reason, and the read is recorded in that trail', async () => {
    const { accessToken } = await staff('compliance-reviewer');
    const reason = 'Quarterly HIPAA access review, ticket CR-2211';

    const withoutReason = await callApi('GET', `/v1/workforce/audit-events?orgId=${org.orgId}`, {
      token: accessToken,
    });
    const response = await callApi(
      'GET',
      `/v1/workforce/audit-events?orgId=${org.orgId}&reason=${encodeURIComponent(reason)}`,
      { token: accessToken },
    );

    expect(withoutReason.status).toBe(400);
    expect(response.status).toBe(200);
    expect(response.json().events.length).toBeGreaterThan(0);
    const recorded = (await recordsOf(org.orgId)).find(
      (record) => record.requestId === requestIdOf(response),
    );
    // Who (the staff member's own id, from their token), when, and why.
    const staffId = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sub;
    expect(recorded).toMatchObject({
      event: 'audit-log-used',
      actor: { kind: 'support', userId: staffId },
      reason,
    });
    expect(Date.now() - Date.parse(recorded?.eventTime ?? '')).toBeLessThan(5 * 60_000);
  });

  it('[PP-18] other staff groups and customer tokens are refused', async () => {
    const engineer = await staff('support-engineer');
    const query = `/v1/workforce/audit-events?orgId=${org.orgId}&reason=${encodeURIComponent('just looking around here')}`;

    expect((await callApi('GET', query, { token: engineer.accessToken })).status).toBe(403);
    expect((await callApi('GET', query, { token: admin() })).status).toBe(401);
  });
});

describe('PACScribe staff records', () => {
  const subjectOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
  const reviewQuery = (orgId: string) =>
    `/v1/workforce/audit-events?orgId=${orgId}&limit=1&reason=${encodeURIComponent('Access review, ticket CR-4711')}`;

  const writeRecord = (staffId: string, email: string, status: 'active' | 'disabled') =>
    writeStaffRecord(documents, { staffId, email }, status);

  async function recordedIn(target: TestOrganization, response: ApiResponse, staffId: string) {
    const events = await allPages(
      `/v1/audit-events?actor=${staffId}&limit=1000`,
      target.users.administrator.accessToken,
    );
    return events.find((event) => event.requestId === requestIdOf(response));
  }

  it('[PP-09] refuses a disabled staff member’s still-valid token at once, and records the refusal in the targeted organization’s trail', async () => {
    const person = await newStaffIdentity('compliance-reviewer');
    await writeRecord(person.staffId, person.email, 'active');
    const { accessToken } = await signIn(person.email, person.password, 'support');
    expect((await callApi('GET', reviewQuery(org.orgId), { token: accessToken })).status).toBe(200);

    await writeRecord(person.staffId, person.email, 'disabled');
    const refused = await callApi('GET', reviewQuery(org.orgId), { token: accessToken });

    expect(refused.status).toBe(401);
    expect(await recordedIn(org, refused, person.staffId)).toMatchObject({
      event: 'authentication-failed',
      outcome: 4,
      actor: { kind: 'support', userId: person.staffId },
    });
  });

  it('[PP-09] a support engineer refused the compliance route is recorded in the trail of the organization it named', async () => {
    const engineer = localConfig().users.find((user) => user.role === 'support-engineer');
    if (!engineer) throw new Error('no seeded support engineer');
    const { accessToken } = await signIn(engineer.email, engineer.password, 'support');

    const refused = await callApi('GET', reviewQuery(org.orgId), { token: accessToken });

    expect(refused.status).toBe(403);
    expect(await recordedIn(org, refused, subjectOf(accessToken))).toMatchObject({
      event: 'access-denied',
      outcome: 4,
      actor: { kind: 'support', userId: subjectOf(accessToken), role: 'support-engineer' },
    });
  });

  it('[PP-18] npm run staff adds, lists, disables, re-enables and regroups a staff record, each effective at once', async () => {
    const staffCli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/staff-cli.ts',
          ...args,
          '--by',
          'integration-test',
          '--data-dir',
          path.dirname(String(process.env.PACSCRIBE_LOCAL_CONFIG)),
        ],
        {
          cwd: path.resolve(__dirname, '../../..'),
          encoding: 'utf8',
          env: { ...process.env, NODE_NO_WARNINGS: '1' },
        },
      );
    const person = await newStaffIdentity('compliance-reviewer');
    const review = (token: string) => callApi('GET', reviewQuery(org.orgId), { token });

    const before = await signIn(person.email, person.password, 'support');
    expect((await review(before.accessToken)).status).toBe(401);
    const added = staffCli(
      'add',
      '--email',
      person.email,
      '--groups',
      'compliance-reviewer',
      '--name',
      'Ada',
    );
    expect(added.stderr).not.toMatch(/error/i);
    expect(added.status).toBe(0);
    await sleep(1100);
    const first = await signIn(person.email, person.password, 'support');
    expect((await review(first.accessToken)).status).toBe(200);
    const listed = JSON.parse(staffCli('list', '--format', 'json').stdout);
    expect(listed).toContainEqual(
      expect.objectContaining({
        staffId: person.staffId,
        email: person.email,
        groups: ['compliance-reviewer'],
        status: 'active',
        createdBy: 'integration-test',
      }),
    );

    expect(staffCli('disable', '--email', person.email).status).toBe(0);
    expect((await review(first.accessToken)).status).toBe(401);
    await expect(signIn(person.email, person.password, 'support')).rejects.toThrow();

    expect(staffCli('enable', '--email', person.email).status).toBe(0);
    expect((await review(first.accessToken)).status).toBe(401);
    await sleep(1100);
    const second = await signIn(person.email, person.password, 'support');
    expect((await review(second.accessToken)).status).toBe(200);

    expect(staffCli('groups', '--staff-id', person.staffId, '--groups', 'support-engineer').status).toBe(0);
    expect((await review(second.accessToken)).status).toBe(403);
    expect(staffCli('add', '--email', person.email, '--groups', 'support-engineer').status).toBe(1);
  });
});

describe('[PP-18] no PHI in operational logs', () => {
  it('keeps synthetic names, emails and organization names pushed through every data route out of the logs', async () => {
    const canaries = [
      'Quillon Zebrowski-Canary',
      'Xanthe Orchid Canary Imaging',
      'canary.patient.7731@canary.example',
    ];
    const signup = await signUpVerified({
      name: canaries[0] as string,
      organizationName: canaries[1] as string,
      role: 'clinician',
      email: canaries[2] as string,
      password: 'Canary-Passw0rd-2026!',
    });
    expect(signup.status).toBe(201);
    const { accessToken } = await signIn(canaries[2] as string, 'Canary-Passw0rd-2026!');
    await callApi('PATCH', '/v1/me', {
      token: accessToken,
      body: JSON.stringify({ name: `${canaries[0]} II` }),
    });
    await postJson(
      '/v1/users',
      { email: 'canary.two@canary.example', name: canaries[0], role: 'radiologist' },
      accessToken,
    );
    await postJson('/v1/signup', { name: canaries[0], email: 'not-an-email', role: 'x' });
    await callApi('GET', `/v1/audit-events?patientId=${encodeURIComponent('Zebrowski Canary PID')}`, {
      token: accessToken,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const logs = readFileSync(String(process.env.PACSCRIBE_LOCAL_LOG), 'utf8');
    expect(logs.length).toBeGreaterThan(1000);
    for (const canary of [...canaries, 'Zebrowski Canary PID', 'canary.two@canary.example']) {
      expect(logs).not.toContain(canary);
    }
  });
});

describe('[PP-18] npm run audit:verify', () => {
  const verify = runAuditVerify;

  it('reports an intact chain, and the first bad position once a stored record is altered', async () => {
    const victim = await freshOrganization('tampered');
    expect(verify(victim.orgId).status).toBe(0);
    const [chain, records] = [...(await chainsOf(victim.orgId))].sort(
      (a, b) => b[1].length - a[1].length,
    )[0] as [number, ChainedAuditRecord[]];
    const position = Math.floor(records.length / 2);
    const target = records[position] as ChainedAuditRecord;

    // What an attacker with raw table access (not the application's role) might do.
    await documents.send(
      new UpdateCommand({
        TableName: localConfig().tables.audit,
        Key: {
          pk: `ORG#${victim.orgId}#CHAIN#${String(chain).padStart(2, '0')}`,
          sk: `SEQ#${String(target.seq).padStart(12, '0')}`,
        },
        UpdateExpression: 'SET httpStatus = :status',
        ExpressionAttributeValues: { ':status': target.httpStatus + 1 },
      }),
    );
    const result = verify(victim.orgId);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `BROKEN  ${victim.orgId}: chain ${chain}: altered at position ${position} (seq ${target.seq})`,
    );
  });
});
