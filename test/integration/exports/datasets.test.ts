import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CellValue, ExportDataset } from '../../../functions/exports/core/ports';
import { csvStream } from '../../../functions/exports/core/spreadsheets';
import { organizationDatasets } from '../../../functions/exports/deps';
import { sharingDeps } from '../../../functions/sharing/deps';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi, localConfig, postJson, signIn } from '../../support/local-client';
import { localDocuments } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

/**
 * The datasets read in this process through the exports context's composition root, against the local
 * stack's tables, for two organizations seeded through the API: each dataset holds the requesting
 * organization's records and nothing of the other's, and no stored secret reaches a spreadsheet.
 */

interface Seeded {
  org: TestOrganization;
  study: string;
  series: string;
  sop: string;
  patientId: string;
  patientName: string;
  shareId: string;
  ticketId: string;
  grantId: string;
  billingEmail: string;
}

let a: Seeded;
let b: Seeded;
let documents: DynamoDBDocumentClient;
let deleted: { study: string; series: string };
const rowsByOrg = new Map<string, Map<string, Record<string, CellValue>[]>>();

async function seed(label: string, patientName: string, engineerToken: string): Promise<Seeded> {
  const org = await freshOrganization(label);
  const [study, series, sop] = [testUid(), testUid(), testUid()];
  const patientId = `PID-${label}-${randomUUID().slice(0, 6)}`;
  const stored = await stow(org.users.technologist.accessToken, [
    ctInstance({
      studyInstanceUid: study,
      seriesInstanceUid: series,
      sopInstanceUid: sop,
      patientId,
      patientName,
      extra: { SpecificCharacterSet: 'ISO_IR 192', PatientBirthDate: '19700131', PatientSex: 'F' },
    }),
  ]);
  if (stored.status !== 200) throw new Error(`STOW failed: ${stored.status} ${stored.text}`);
  const edited = await callApi('PATCH', `/v1/studies/${study}`, {
    token: org.users.technologist.accessToken,
    body: JSON.stringify({ changes: { StudyDescription: `Edited ${label}` }, reason: `fix ${label}` }),
  });
  expect(edited.status).toBe(200);
  for (const status of ['draft', 'final']) {
    const report = await callApi('PUT', `/v1/studies/${study}/report`, {
      token: org.users.radiologist.accessToken,
      body: JSON.stringify({ text: `Report of ${label}: no acute findings.`, status }),
    });
    expect(report.status).toBe(200);
  }
  const share = await postJson(
    '/v1/shares',
    {
      studyInstanceUid: study,
      scope: 'view',
      recipientEmail: `recipient-${label}@example.org`,
      passcode: `pass-${randomUUID()}`,
      deidentify: true,
      purpose: `second opinion ${label}`,
    },
    org.users.administrator.accessToken,
  );
  expect(share.status).toBe(201);
  const shareId = share.json().share.shareId as string;
  await sharingDeps().store.recordAccess({
    shareId,
    at: new Date().toISOString(),
    kind: 'viewed',
    requestId: `req-${label}`,
    sourceIp: '198.51.100.7',
    detail: null,
  });
  const ticket = await postJson(
    '/v1/support/tickets',
    { subject: `Ticket of ${label}`, message: 'The viewer shows a blank series.' },
    org.users.administrator.accessToken,
  );
  expect(ticket.status).toBe(201);
  const ticketId = ticket.json().ticketId as string;
  const grant = await postJson(
    '/v1/support/access-grants',
    { orgId: org.orgId, ticketId, reason: `Diagnose ${label}` },
    engineerToken,
  );
  expect(grant.status).toBe(201);
  const preferences = await callApi('PUT', '/v1/me/communication-preferences', {
    token: org.users.administrator.accessToken,
    body: JSON.stringify({ marketing: { subscribed: true } }),
  });
  expect(preferences.status).toBe(200);
  const billingEmail = `billing-${label}-${randomUUID().slice(0, 6)}@clinic.example`;
  const checkout = await postJson(
    '/v1/billing/checkout',
    {
      plan: 'standard',
      billingEmail,
      billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
    org.users.administrator.accessToken,
  );
  expect(checkout.status).toBe(201);
  const paid = await callApi('POST', `${new URL(checkout.json().url).pathname}/pay`, { body: '' });
  expect(paid.status).toBe(303);
  return {
    org,
    study,
    series,
    sop,
    patientId,
    patientName,
    shareId,
    ticketId,
    grantId: grant.json().grantId as string,
    billingEmail,
  };
}

/**
 * A whole study deleted, and a second series added to the seeded study and then deleted: both wait in the
 * recycle bin, and neither is the organization's current content.
 */
async function deleteSomeOf(seeded: Seeded): Promise<{ study: string; series: string }> {
  const token = seeded.org.users.administrator.accessToken;
  const [study, series] = [testUid(), testUid()];
  const stored = await stow(seeded.org.users.technologist.accessToken, [
    ctInstance({ studyInstanceUid: study, patientId: seeded.patientId, patientName: 'Deleted^Study' }),
    ctInstance({
      studyInstanceUid: seeded.study,
      seriesInstanceUid: series,
      patientId: seeded.patientId,
      patientName: seeded.patientName,
      extra: { SpecificCharacterSet: 'ISO_IR 192', PatientBirthDate: '19700131', PatientSex: 'F' },
    }),
  ]);
  if (stored.status !== 200) throw new Error(`STOW failed: ${stored.status} ${stored.text}`);
  expect((await callApi('DELETE', `/dicomweb/studies/${study}`, { token })).status).toBe(204);
  expect(
    (await callApi('DELETE', `/dicomweb/studies/${seeded.study}/series/${series}`, { token })).status,
  ).toBe(204);
  return { study, series };
}

async function rowsOf(dataset: ExportDataset, orgId: string): Promise<Record<string, CellValue>[]> {
  const rows: Record<string, CellValue>[] = [];
  for await (const row of dataset.rows(orgId)) rows.push({ ...row });
  return rows;
}

async function readAll(orgId: string): Promise<Map<string, Record<string, CellValue>[]>> {
  const byName = new Map<string, Record<string, CellValue>[]>();
  for (const dataset of organizationDatasets()) byName.set(dataset.name, await rowsOf(dataset, orgId));
  return byName;
}

const rows = (seeded: Seeded, name: string) => rowsByOrg.get(seeded.org.orgId)?.get(name) ?? [];

beforeAll(async () => {
  const config = localConfig();
  // What the local stack gives its functions: the datasets run here as they would in the export's Lambda.
  Object.assign(process.env, {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: config.endpoints.s3,
    AWS_ENDPOINT_URL_SESV2: config.endpoints.ses,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: config.cognito.endpoint,
    AWS_ENDPOINT_URL_SFN: config.endpoints.stepFunctions,
    ...config.handlerEnv,
  });
  documents = localDocuments();
  const engineer = config.users.find((user) => user.role === 'support-engineer');
  if (!engineer) throw new Error('no seeded support engineer');
  const engineerToken = (await signIn(engineer.email, engineer.password, 'support')).accessToken;
  a = await seed('export-a', 'Müller^Zoë', engineerToken);
  deleted = await deleteSomeOf(a);
  b = await seed('export-b', '山田^太郎', engineerToken);
  for (const seeded of [a, b]) rowsByOrg.set(seeded.org.orgId, await readAll(seeded.org.orgId));
}, 240_000);

afterAll(() => documents?.destroy());

describe('the organization datasets over the local stack', () => {
  it('[PP-14] hold the organization’s imaging index: patients, studies, series and instances', () => {
    for (const [own, other] of [
      [a, b],
      [b, a],
    ] as const) {
      expect(rows(own, 'patients')).toEqual([
        {
          patientId: own.patientId,
          patientName: own.patientName,
          birthDate: '1970-01-31',
          sex: 'F',
          firstStudyInstanceUid: own.study,
        },
      ]);
      expect(rows(own, 'studies')).toEqual([
        expect.objectContaining({
          studyInstanceUid: own.study,
          patientName: own.patientName,
          studyDescription: `Edited ${own === a ? 'export-a' : 'export-b'}`,
          modalities: 'CT',
          seriesCount: 1,
          instanceCount: 1,
        }),
      ]);
      expect(rows(own, 'series')).toEqual([
        expect.objectContaining({
          studyInstanceUid: own.study,
          seriesInstanceUid: own.series,
          modality: 'CT',
        }),
      ]);
      expect(rows(own, 'instances')).toEqual([
        expect.objectContaining({ sopInstanceUid: own.sop, frames: 1, storedAt: expect.any(Date) }),
      ]);
      const written = JSON.stringify([...(rowsByOrg.get(own.org.orgId)?.values() ?? [])]);
      expect(written).not.toContain(other.study);
      expect(written).not.toContain(other.patientId);
      expect(written).not.toContain(other.org.orgId);
    }
  });

  it('[PP-14] leave out deleted studies and series, which are not current content', () => {
    // Their UIDs may only appear where the audit log names the deletions.
    for (const name of ['patients', 'studies', 'series', 'instances', 'edit-history', 'reports']) {
      expect(JSON.stringify(rows(a, name))).not.toContain(deleted.study);
      expect(JSON.stringify(rows(a, name))).not.toContain(deleted.series);
    }
    expect(rows(a, 'audit-log').filter((record) => record.action === 'D delete')).toHaveLength(2);
    expect(rows(a, 'patients').map((patient) => patient.patientName)).not.toContain('Deleted^Study');
  });

  it('[PP-14] hold the edit history and every report version', () => {
    expect(rows(a, 'edit-history')).toEqual([
      expect.objectContaining({
        studyInstanceUid: a.study,
        keyword: 'StudyDescription',
        before: 'CT CHEST',
        after: 'Edited export-a',
        reason: 'fix export-a',
        byUserId: a.org.users.technologist.userId,
      }),
    ]);
    expect(rows(a, 'reports').map((report) => [report.version, report.status])).toEqual([
      [1, 'draft'],
      [2, 'final'],
    ]);
  });

  it('[PP-14] hold the members, their roles and permissions, and the role matrix', () => {
    const users = rows(a, 'users');
    expect(users.map((user) => user.userId).sort()).toEqual(
      Object.values(a.org.users)
        .map((user) => user.userId)
        .sort(),
    );
    expect(users.find((user) => user.role === 'clinician')).toMatchObject({
      permissions: 'view',
      status: 'active',
    });
    expect(rows(a, 'roles')).toContainEqual(
      expect.objectContaining({ role: 'clinician', defaultPermissions: 'view' }),
    );
  });

  it('[PP-14] hold the organization’s audit log, and only its records', () => {
    const audit = rows(a, 'audit-log');
    expect(audit.length).toBeGreaterThan(5);
    expect(audit.some((record) => String(record.objects).includes(`study:${a.study}`))).toBe(true);
    expect(audit.every((record) => record.eventTime instanceof Date)).toBe(true);
    const times = audit.map((record) => (record.eventTime as Date).getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('[PP-14] hold shares with their access log, support tickets with their messages, and support access grants', () => {
    expect(rows(a, 'shares')).toEqual([
      expect.objectContaining({
        shareId: a.shareId,
        studyInstanceUid: a.study,
        passcodeProtected: true,
        deidentify: true,
        purpose: 'second opinion export-a',
      }),
    ]);
    expect(rows(a, 'share-access-log')).toEqual([
      expect.objectContaining({ shareId: a.shareId, kind: 'viewed', requestId: 'req-export-a' }),
    ]);
    expect(rows(a, 'support-tickets')).toEqual([
      expect.objectContaining({
        ticketId: a.ticketId,
        subject: 'Ticket of export-a',
        senderEmail: a.org.users.administrator.email,
      }),
    ]);
    expect(rows(a, 'support-messages')).toEqual([
      expect.objectContaining({
        ticketId: a.ticketId,
        authorKind: 'customer',
        text: 'The viewer shows a blank series.',
        createdAt: expect.any(Date),
      }),
    ]);
    expect(rows(a, 'support-access')).toEqual([
      expect.objectContaining({ grantId: a.grantId, ticketId: a.ticketId, reason: 'Diagnose export-a' }),
    ]);
  });

  it('[PP-14] hold billing contact, invoices, mail preferences and policy acceptances', async () => {
    expect(rows(a, 'billing')).toEqual([
      expect.objectContaining({ billingEmail: a.billingEmail, plan: 'standard', city: 'Springfield' }),
    ]);
    expect(rows(a, 'invoices')).toEqual([
      expect.objectContaining({ status: 'paid', currency: expect.any(String), createdAt: expect.any(Date) }),
    ]);
    expect(rows(a, 'communication-preferences')).toContainEqual(
      expect.objectContaining({
        userId: a.org.users.administrator.userId,
        marketing: true,
        transactional: true,
      }),
    );
    const listed = await callApi('GET', '/v1/privacy-policy/acceptances', {
      token: a.org.users.administrator.accessToken,
    });
    expect(listed.status).toBe(200);
    const acceptances = rows(a, 'policy-acceptances');
    expect(acceptances).toHaveLength(listed.json().acceptances.length);
    const members = new Set(Object.values(a.org.users).map((user) => user.userId));
    expect(acceptances.every((acceptance) => members.has(String(acceptance.userId)))).toBe(true);
  });

  it('rows carry exactly the declared columns, and no column names a secret', () => {
    for (const dataset of organizationDatasets()) {
      // Whether a passcode is set (passcodeProtected) is not a secret; the passcode and every hash are.
      for (const column of dataset.columns) {
        expect(column.key).not.toMatch(/hash|secret|token|session|^passcode$|uidkey|customerid/i);
      }
      for (const row of rows(a, dataset.name)) {
        expect(Object.keys(row).sort()).toEqual(dataset.columns.map((column) => column.key).sort());
      }
    }
  });

  it('never write a stored secret: share token and passcode hashes, UID keys, Stripe and mail secrets', async () => {
    const config = localConfig();
    const shareItems =
      (await documents.send(new ScanCommand({ TableName: config.tables.sharing }))).Items ?? [];
    const secrets = shareItems
      .filter((item) => item.orgId === a.org.orgId)
      .flatMap((item) => [item.tokenHash, item.passcodeHash, item.uidKey, item.codeHash])
      .filter((value): value is string => typeof value === 'string' && value.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const stripeFile = (config.handlerEnv.BILLING_STRIPE_SECRET ?? '').replace(/^local:/, '');
    const stripe = JSON.parse(readFileSync(stripeFile, 'utf8')) as Record<string, unknown>;
    secrets.push(String(stripe.secretKey), String(stripe.webhookSigningSecret));
    const unsubscribeFile = (config.handlerEnv.MAIL_UNSUBSCRIBE_SECRET ?? '').replace(/^file:/, '');
    secrets.push(
      readFileSync(unsubscribeFile).toString('base64'),
      readFileSync(unsubscribeFile, 'utf8').trim(),
    );

    const decoder = new TextDecoder();
    for (const dataset of organizationDatasets()) {
      let csv = '';
      for await (const chunk of csvStream(dataset, a.org.orgId))
        csv += decoder.decode(chunk, { stream: true });
      for (const secret of secrets.filter((value) => value.length >= 8)) expect(csv).not.toContain(secret);
    }
  });
});
