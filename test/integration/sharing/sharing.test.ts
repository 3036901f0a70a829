import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import JSZip from 'jszip';
import { ctInstance, testUid } from '../../support/dicom-files';
import { type ApiResponse, callApi, localConfig, postJson, sentMail } from '../../support/local-client';
import { localDocuments, localTables } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

const tables = localTables();
let documents: DynamoDBDocumentClient;
let org: TestOrganization;
let other: TestOrganization;
/** Study A: two series (two images, one image); study B: another study of the same organization. */
const studyA = { study: testUid(), series1: testUid(), series2: testUid() };
const studyB = { study: testUid(), series: testUid() };
const PATIENT_NAME = 'Sharedpatient^Jane';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** Each test redeems from its own loopback address, so the per-source limit of one never meets another's. */
let nextAddress = 10;
const newSource = () => `127.0.0.${nextAddress++}`;

beforeAll(async () => {
  documents = localDocuments();
  [org, other] = await Promise.all([freshOrganization('sharing'), freshOrganization('sharing-other')]);
  const token = org.users.technologist.accessToken;
  const files = [
    ctInstance({
      studyInstanceUid: studyA.study,
      seriesInstanceUid: studyA.series1,
      patientName: PATIENT_NAME,
      patientId: 'SHARE-PID-A',
      extra: { InstanceNumber: '1' },
    }),
    ctInstance({
      studyInstanceUid: studyA.study,
      seriesInstanceUid: studyA.series1,
      patientName: PATIENT_NAME,
      patientId: 'SHARE-PID-A',
      extra: { InstanceNumber: '2' },
    }),
    ctInstance({
      studyInstanceUid: studyA.study,
      seriesInstanceUid: studyA.series2,
      patientName: PATIENT_NAME,
      patientId: 'SHARE-PID-A',
      extra: { SeriesNumber: '2' },
    }),
  ];
  const stored = await stow(token, files);
  if (stored.status !== 200) throw new Error(`STOW failed: ${stored.status} ${stored.text}`);
  const storedB = await stow(token, [
    ctInstance({
      studyInstanceUid: studyB.study,
      seriesInstanceUid: studyB.series,
      patientId: 'SHARE-PID-B',
    }),
  ]);
  if (storedB.status !== 200) throw new Error(`STOW failed: ${storedB.status} ${storedB.text}`);
});
afterAll(() => {
  tables.close();
  documents.destroy();
});

const recipient = () => `partner-${randomUUID().slice(0, 8)}@vendor.example`;

async function createShare(body: Record<string, unknown>, token = org.users.administrator.accessToken) {
  const response = await postJson(
    '/v1/shares',
    { studyInstanceUid: studyA.study, scope: 'view', ...body },
    token,
  );
  return response;
}

async function newShare(body: Record<string, unknown> = {}) {
  const email = (body.recipientEmail as string | undefined) ?? recipient();
  const response = await createShare({ recipientEmail: email, ...body });
  expect(response.status).toBe(201);
  const link = new URL(response.json().link as string);
  const token = link.pathname.split('/')[2] ?? '';
  return { shareId: response.json().share.shareId as string, token, email, link };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function mailedCode(email: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const mails = (await sentMail()).filter(
      (mail) => mail.destination.to.includes(email) && mail.subject === 'Your PACScribe code',
    );
    const text = mails.at(-1)?.body.text ?? '';
    const code = /: ([0-9]{8})/.exec(text)?.[1];
    if (code) return code;
  }
  throw new Error(`no code mailed to ${email}`);
}

const requestCode = (token: string, source: string) =>
  callApi('POST', `/s/${token}/code`, { body: '', headers: FORM, localAddress: source });

const submitCode = (token: string, fields: Record<string, string>, source: string, cookie?: string) =>
  callApi('POST', `/s/${token}/session`, {
    body: form(fields),
    headers: { ...FORM, ...(cookie ? { cookie } : {}) },
    localAddress: source,
  });

const cookieOf = (response: ApiResponse) =>
  String([response.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';

/** The whole redemption: ask for a code, read it from the recipient's mailbox, open a session. */
async function openSession(share: { token: string; email: string }, passcode?: string) {
  const source = newSource();
  expect((await requestCode(share.token, source)).status).toBe(200);
  const code = await mailedCode(share.email);
  const opened = await submitCode(share.token, { code, ...(passcode ? { passcode } : {}) }, source);
  expect(opened.status).toBe(303);
  return cookieOf(opened);
}

const get = (path: string, cookie?: string) => callApi('GET', path, cookie ? { headers: { cookie } } : {});

async function auditRecordsOf(response: ApiResponse) {
  const requestId = String(response.headers['x-request-id']);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const found = (await tables.auditRecords(org.orgId)).filter((record) => record.requestId === requestId);
    if (found.length > 0) return found;
  }
  return [];
}

async function setShare(shareId: string, attributes: Record<string, unknown>) {
  const names = Object.keys(attributes);
  await documents.send(
    new UpdateCommand({
      TableName: localConfig().tables.sharing,
      Key: { pk: `SHARE#${shareId}`, sk: 'SHARE' },
      UpdateExpression: `SET ${names.map((_name, i) => `#n${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, attributes[name]])),
    }),
  );
}

describe('creating shares', () => {
  it('mails the recipient the link, answers it once, and a retry with the same Idempotency-Key makes no second share', async () => {
    const email = recipient();
    const key = `retry-${randomUUID()}`;
    const body = JSON.stringify({ studyInstanceUid: studyA.study, recipientEmail: email, scope: 'view' });
    const send = () =>
      callApi('POST', '/v1/shares', {
        token: org.users.administrator.accessToken,
        body,
        headers: { 'idempotency-key': key },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const link = first.json().link as string;
    expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    expect(first.json().share).toMatchObject({ status: 'active', scope: 'view', recipientEmail: email });
    const mailed = (await sentMail()).filter((mail) => mail.destination.to.includes(email));
    expect(mailed).toHaveLength(1);
    expect(mailed[0]?.body.text).toContain(link);
    expect(mailed[0]?.body.text).not.toContain(PATIENT_NAME.split('^')[0]);

    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.json().link).toBeNull();
    expect(retry.json().share.shareId).toBe(first.json().share.shareId);
    const listed = await callApi('GET', '/v1/shares', { token: org.users.administrator.accessToken });
    expect(
      listed.json().shares.filter((share: { recipientEmail: string }) => share.recipientEmail === email),
    ).toHaveLength(1);
    expect((await sentMail()).filter((mail) => mail.destination.to.includes(email))).toHaveLength(1);
    // Only the digest of the link's secret is stored.
    const secret = link.split('/').at(-1) ?? '';
    const stored = await documents.send(new ScanCommand({ TableName: localConfig().tables.sharing }));
    expect(JSON.stringify(stored.Items)).not.toContain(secret);
    expect(JSON.stringify(await auditRecordsOf(first))).not.toContain(secret);
  });

  it('[PP-07] refuses members without the share permission, and studies of another organization', async () => {
    const clinician = await createShare({ recipientEmail: recipient() }, org.users.clinician.accessToken);
    expect(clinician.status).toBe(403);
    const foreign = await createShare({ recipientEmail: recipient() }, other.users.administrator.accessToken);
    expect(foreign.status).toBe(404);
    const unknownSeries = await createShare({
      recipientEmail: recipient(),
      seriesInstanceUids: [studyB.series],
    });
    expect(unknownSeries.status).toBe(404);
  });

  it('bounds the expiry at 90 days and defaults it to 7', async () => {
    expect((await createShare({ recipientEmail: recipient(), expiresInDays: 91 })).status).toBe(400);
    const made = await createShare({ recipientEmail: recipient() });
    const { createdAt, expiresAt } = made.json().share;
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(7 * 24 * 3600 * 1000);
  });
});

describe('[PP-07] redeeming a share', () => {
  it('shows nothing before the mailed code: no viewer, no image, no download', async () => {
    const share = await newShare({ scope: 'download' });
    const page = await get(`/s/${share.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).not.toContain('<img');
    const viewer = await get(`/s/${share.token}/view`);
    expect(viewer.status).toBe(303);
    expect(viewer.headers.location).toBe(`/s/${share.token}`);
    const image = await get(`/s/${share.token}/series/1/images/1`);
    expect(image.status).toBe(401);
    const download = await get(`/s/${share.token}/download`);
    expect(download.status).toBe(401);
    expect(image.bytes.subarray(0, 4).equals(PNG)).toBe(false);
  });

  it('opens a session with the mailed code and shows rendered images, each view audited in the owner’s trail with share and recipient', async () => {
    const share = await newShare();
    const cookie = await openSession(share);
    expect(cookie).toMatch(/^pacscribe_share_session=/);
    const viewer = await get(`/s/${share.token}/view`, cookie);
    expect(viewer.status).toBe(200);
    expect(viewer.text).toContain(`/s/${share.token}/series/1/images/1`);
    expect(viewer.text).not.toContain(PATIENT_NAME.split('^')[0]);
    expect(viewer.text).not.toContain(studyA.study);
    const image = await get(`/s/${share.token}/series/1/images/2`, cookie);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.bytes.subarray(0, 4).equals(PNG)).toBe(true);

    for (const response of [viewer, image]) {
      const records = await auditRecordsOf(response);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ event: 'share-viewed', orgId: org.orgId, httpStatus: 200 });
      expect(records[0]?.objects).toEqual(expect.arrayContaining([{ type: 'share', id: share.shareId }]));
      expect(records[0]?.reason).toContain(share.email);
    }
    const log = await callApi('GET', `/v1/shares/${share.shareId}/access`, {
      token: org.users.administrator.accessToken,
    });
    expect(log.status).toBe(200);
    expect(log.json().accesses.map((entry: { kind: string }) => entry.kind)).toEqual([
      'code-sent',
      'session-opened',
      'viewed',
      'image-viewed',
    ]);
  });

  it('revocation ends the link and the open session at once', async () => {
    const share = await newShare();
    const cookie = await openSession(share);
    expect((await get(`/s/${share.token}/series/1/images/1`, cookie)).status).toBe(200);
    const revoked = await callApi('DELETE', `/v1/shares/${share.shareId}`, {
      token: org.users.administrator.accessToken,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    const image = await get(`/s/${share.token}/series/1/images/1`, cookie);
    expect(image.status).toBe(404);
    expect(image.bytes.subarray(0, 4).equals(PNG)).toBe(false);
    expect((await get(`/s/${share.token}/view`, cookie)).status).toBe(404);
    expect((await requestCode(share.token, newSource())).status).toBe(404);
  });

  it('an expired share opens nothing, even in a session opened before', async () => {
    const share = await newShare();
    const cookie = await openSession(share);
    await setShare(share.shareId, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const image = await get(`/s/${share.token}/series/1/images/1`, cookie);
    expect(image.status).toBe(404);
    expect((await get(`/s/${share.token}`)).status).toBe(404);
    expect((await requestCode(share.token, newSource())).status).toBe(404);
  });

  it('a used-up share (maxUses) opens no second session', async () => {
    const share = await newShare({ maxUses: 1 });
    const cookie = await openSession(share);
    expect((await get(`/s/${share.token}/series/1/images/1`, cookie)).status).toBe(200);
    expect((await requestCode(share.token, newSource())).status).toBe(404);
  });

  it('refuses wrong codes, wrong passcodes and locks the code after 5 guesses, serving no bytes', async () => {
    const share = await newShare({ passcode: 'correct horse' });
    const source = newSource();
    expect((await requestCode(share.token, source)).status).toBe(200);
    const code = await mailedCode(share.email);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const refusals = [
      await submitCode(share.token, { code: wrong, passcode: 'correct horse' }, source),
      await submitCode(share.token, { code, passcode: 'wrong horse' }, source),
      await submitCode(share.token, { code }, source),
      await submitCode(share.token, { code: wrong, passcode: 'correct horse' }, source),
      await submitCode(share.token, { code: wrong, passcode: 'correct horse' }, source),
      // The sixth guess, right this time, finds the code locked.
      await submitCode(share.token, { code, passcode: 'correct horse' }, source),
    ];
    expect(refusals.map((response) => response.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(refusals.every((response) => !response.headers['set-cookie'])).toBe(true);
    expect(refusals.at(-1)?.text).toContain('Too many wrong attempts');
    console.log(
      `refused redemptions (wrong code, wrong or missing passcode, locked): ${refusals.length}, sessions opened: 0`,
    );
    // A new code, with the passcode, opens it.
    expect((await requestCode(share.token, source)).status).toBe(200);
    const fresh = await mailedCode(share.email);
    expect((await submitCode(share.token, { code: fresh, passcode: 'correct horse' }, source)).status).toBe(
      303,
    );
  });

  it('throttles guessing from one source address and code requests for one link', async () => {
    const share = await newShare();
    const source = newSource();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 32; attempt += 1) {
      statuses.push((await submitCode(share.token, { code: '12345678' }, source)).status);
    }
    const throttled = statuses.filter((status) => status === 429).length;
    console.log(`guesses from one address: ${statuses.length}, refused as rate-limited: ${throttled}`);
    expect(statuses.slice(0, 30).every((status) => status === 400)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);

    const codes: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1)
      codes.push((await requestCode(share.token, newSource())).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('[PP-07] a share never widens access', () => {
  it('yields only its own series: positions beyond it, UIDs, other shares’ sessions and DICOMweb get nothing', async () => {
    const share = await newShare({ seriesInstanceUids: [studyA.series2] });
    const cookie = await openSession(share);
    const viewer = await get(`/s/${share.token}/view`, cookie);
    expect(viewer.text).toContain('/series/1/images/1');
    expect(viewer.text).not.toContain('/series/2/');
    expect((await get(`/s/${share.token}/series/1/images/1`, cookie)).status).toBe(200);
    const refused = [
      await get(`/s/${share.token}/series/2/images/1`, cookie),
      await get(`/s/${share.token}/series/1/images/2`, cookie),
      await get(`/s/${share.token}/series/${studyA.series1}/images/1`, cookie),
      await get(`/s/${share.token}/series/..%2F..%2Fdicomweb/images/1`, cookie),
      await get(`/dicomweb/studies/${studyB.study}/rendered`, cookie),
    ];
    const statuses = refused.map((response) => response.status);
    expect(statuses).toEqual([404, 404, 404, expect.any(Number), 401]);
    expect(statuses[3]).toBeGreaterThanOrEqual(400);
    expect(refused.some((response) => response.bytes.subarray(0, 4).equals(PNG))).toBe(false);

    // Another share's session does not open this one, nor this one's another.
    const second = await newShare();
    const secondCookie = await openSession(second);
    expect((await get(`/s/${share.token}/series/1/images/1`, secondCookie)).status).toBe(401);
    expect((await get(`/s/${second.token}/series/1/images/1`, cookie)).status).toBe(401);
    // A made-up link answers like a withdrawn one.
    const madeUp = await get(`/s/${'A'.repeat(43)}`);
    expect(madeUp.status).toBe(404);
    expect((await get('/s/not-a-token')).status).toBe(404);
  });

  it('view shares refuse downloads', async () => {
    const share = await newShare({ scope: 'view' });
    const cookie = await openSession(share);
    const download = await get(`/s/${share.token}/download`, cookie);
    expect(download.status).toBe(403);
  });
});

describe('downloads', () => {
  it('sends the original files of the shared study as a ZIP, audited as a download', async () => {
    const share = await newShare({ scope: 'download' });
    const cookie = await openSession(share);
    const download = await get(`/s/${share.token}/download`, cookie);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(download.bytes);
    const names = Object.keys(zip.files).filter((name) => !zip.files[name]?.dir);
    expect(names).toHaveLength(3);
    const first = await zip.file(names[0] ?? '')?.async('nodebuffer');
    expect(first?.toString('latin1')).toContain(studyA.study);
    const records = await auditRecordsOf(download);
    expect(records[0]).toMatchObject({ event: 'share-downloaded', httpStatus: 200 });
  });

  it('de-identified shares send files with the Basic Profile applied and UIDs replaced consistently', async () => {
    const share = await newShare({ scope: 'download', deidentify: true });
    const cookie = await openSession(share);
    const download = await get(`/s/${share.token}/download`, cookie);
    expect(download.status).toBe(200);
    const zip = await JSZip.loadAsync(download.bytes);
    const names = Object.keys(zip.files).filter((name) => !zip.files[name]?.dir);
    expect(names).toHaveLength(3);
    const studyUids = new Set<string>();
    for (const name of names) {
      const text = (await zip.file(name)?.async('nodebuffer'))?.toString('latin1') ?? '';
      expect(text).not.toContain(studyA.study);
      expect(text).not.toContain('Sharedpatient');
      expect(text).not.toContain('SHARE-PID-A');
      expect(text).not.toContain('House^Gregory');
      expect(text).toContain('ANONYMOUS');
      for (const match of text.matchAll(/2\.25\.[0-9]{20,40}/g)) studyUids.add(match[0]);
    }
    // Three instances, two series, one study, one frame of reference at most: replacements repeat.
    expect(studyUids.size).toBeGreaterThan(0);
    expect(studyUids.size).toBeLessThan(3 * 4);
    const again = await JSZip.loadAsync((await get(`/s/${share.token}/download`, cookie)).bytes);
    const firstAgain = (await again.file(names[0] ?? '')?.async('nodebuffer'))?.toString('latin1');
    const firstBefore = (await zip.file(names[0] ?? '')?.async('nodebuffer'))?.toString('latin1');
    expect(firstAgain).toBe(firstBefore);
  });
});

describe('accounting of disclosures', () => {
  it('lists every share of one patient’s data, to whom, what and why, as JSON and XLSX, for auditors only', async () => {
    const email = recipient();
    const made = await createShare({ recipientEmail: email, purpose: 'Second opinion' });
    expect(made.status).toBe(201);
    const path = `/v1/patients/${encodeURIComponent('SHARE-PID-A')}/disclosures`;
    const listed = await callApi('GET', path, { token: org.users.administrator.accessToken });
    expect(listed.status).toBe(200);
    const mine = listed
      .json()
      .disclosures.find((entry: { id: string }) => entry.id === made.json().share.shareId);
    expect(mine).toMatchObject({
      kind: 'share',
      recipient: email,
      purpose: 'Second opinion',
      studyInstanceUid: studyA.study,
    });
    const none = await callApi('GET', `/v1/patients/${encodeURIComponent('SHARE-PID-B')}/disclosures`, {
      token: org.users.administrator.accessToken,
    });
    expect(none.json().disclosures).toEqual([]);
    const foreign = await callApi('GET', path, { token: other.users.administrator.accessToken });
    expect(foreign.status).toBe(404);
    expect((await callApi('GET', path, { token: org.users.radiologist.accessToken })).status).toBe(403);

    const workbook = await callApi('GET', `${path}?format=xlsx`, {
      token: org.users.administrator.accessToken,
    });
    expect(workbook.status).toBe(200);
    expect(workbook.headers['content-type']).toContain('spreadsheetml');
    const zip = await JSZip.loadAsync(workbook.bytes);
    const strings = (await zip.file('xl/sharedStrings.xml')?.async('string')) ?? '';
    expect(strings).toContain(email);
  });
});
