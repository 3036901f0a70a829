import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_CODE_ATTEMPTS } from '../../../functions/accounts/core/signup';
import { SIGNUP_RATE_LIMIT } from '../../../infra/api/public-rate-limit';
import { callApi, postJson, sentMail, signIn } from '../../support/local-client';
import { localTables } from '../../support/local-tables';
import { signUpVerified, signupCode } from '../../support/organizations';

const tables = localTables();
afterAll(() => tables.close());

let sequence = 0;
const newSignup = () => {
  sequence += 1;
  return {
    name: 'Jordan Lee',
    organizationName: `Harbor View Imaging ${sequence}`,
    role: 'technologist',
    email: `jordan.lee.${Date.now()}.${sequence}@harborview.example`,
    password: 'Sunrise-Harbor-2026-Scan',
  };
};
const requestOf = ({ password: _password, ...request }: ReturnType<typeof newSignup>) => request;
const mailsTo = async (address: string) =>
  (await sentMail()).filter((candidate) => candidate.destination.to.includes(address));

async function waitForMailTo(address: string, subject: string) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const mail = (await mailsTo(address)).find((candidate) => candidate.subject === subject);
    if (mail) return mail;
    await sleep(100);
  }
  return undefined;
}

/** Everything a requester sees, but the per-request id. */
const observable = (response: Awaited<ReturnType<typeof callApi>>) => {
  const { date: _date, 'x-request-id': _id, ...headers } = response.headers;
  return { status: response.status, headers, body: response.text };
};

describe('POST /v1/signup and /v1/signup/verify over HTTPS', () => {
  it('[PP-01] creates an organization, once the mailed code proves the address, whose founder can sign in', async () => {
    const signup = newSignup();

    const response = await signUpVerified(signup);

    expect(response.status).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({ email: signup.email, role: 'administrator' });
    const { accessToken } = await signIn(signup.email, signup.password);
    const me = await callApi('GET', '/v1/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({
      user: {
        email: signup.email,
        name: 'Jordan Lee',
        role: 'administrator',
        professionalRole: 'technologist',
      },
      organization: { orgId: created.orgId, name: signup.organizationName },
    });
    expect(me.json().permissions).toEqual(expect.arrayContaining(['view', 'export', 'manage-users']));
  });

  it('answers an address with an account exactly as a new one (status, headers, body)', async () => {
    const existing = newSignup();
    expect((await signUpVerified(existing)).status).toBe(201);

    const fresh = await postJson('/v1/signup', requestOf(newSignup()));
    const again = await postJson('/v1/signup', {
      ...requestOf(existing),
      organizationName: 'Somewhere Else',
    });

    expect(fresh.status).toBe(202);
    expect(fresh.json()).toEqual({ status: 'verification-sent' });
    expect(observable(again)).toEqual(observable(fresh));
  });

  it('mails the owner of an existing address a notice with no names, and no code', async () => {
    const existing = newSignup();
    await signUpVerified(existing);

    await postJson('/v1/signup', {
      ...requestOf(existing),
      name: 'Mallory Canary',
      organizationName: 'Canary Org',
    });

    const notice = await waitForMailTo(existing.email, 'Sign-up attempt with your PACScribe address');
    expect(notice?.body.text).not.toMatch(/Mallory|Canary/);
    expect(
      (await mailsTo(existing.email)).filter((mail) => /Verification code/.test(mail.body.text ?? '')),
    ).toHaveLength(1);
  });

  it('[PP-18] keeps no organization, login or welcome mail before the address is proven', async () => {
    const signup = newSignup();

    expect((await postJson('/v1/signup', requestOf(signup))).status).toBe(202);
    await signupCode(signup.email);

    expect(await tables.accountsItem(`EMAIL#${signup.email}`, 'EMAIL')).toBeUndefined();
    const pending = await tables.accountsItem(`SIGNUP#${signup.email}`, 'PENDING');
    expect(pending).toMatchObject({ expiresAt: expect.any(Number) });
    expect(JSON.stringify(pending)).not.toContain(signup.password);
    await expect(signIn(signup.email, signup.password)).rejects.toThrow();
    await sleep(300);
    expect((await mailsTo(signup.email)).map((mail) => mail.subject)).toEqual([
      'Your PACScribe verification code',
    ]);
  });

  it('mails a code that carries none of the names typed at sign-up', async () => {
    const signup = { ...newSignup(), name: 'Quill Canaryname', organizationName: 'Canary Facility Ltd' };

    await postJson('/v1/signup', requestOf(signup));

    const mail = await waitForMailTo(signup.email, 'Your PACScribe verification code');
    expect(mail?.body.text).toMatch(/Verification code: \d{8}/);
    expect(JSON.stringify(mail)).not.toMatch(/Canaryname|Canary Facility/);
  });

  it('[PP-02] sends the transactional welcome mail through SES via the welcome workflow, after verification', async () => {
    const signup = newSignup();

    await signUpVerified(signup);

    const mail = await waitForMailTo(signup.email, 'Welcome to PACScribe');
    expect(mail?.body.text).toContain(signup.organizationName);
  });

  it('[PP-18] records the account creation in the new organization audit trail', async () => {
    const signup = newSignup();

    const { orgId, userId } = (await signUpVerified(signup)).json();

    const records = await tables.auditRecords(orgId);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      event: 'account-created',
      eventId: { system: 'DCM', code: '110113' },
      action: 'C',
      outcome: 0,
      actor: { kind: 'customer', userId },
      route: 'POST /v1/signup/verify',
      objects: expect.arrayContaining([{ type: 'organization', id: orgId }]),
    });
  });

  it('answers a retried verification with the same account', async () => {
    const signup = newSignup();
    const first = (await signUpVerified(signup)).json();

    const retry = await postJson('/v1/signup/verify', {
      email: signup.email,
      code: await signupCode(signup.email),
      password: signup.password,
    });

    expect(retry.status).toBe(201);
    expect(retry.json()).toEqual(first);
  });

  it(`refuses a wrong code, and locks the sign-up after ${MAX_CODE_ATTEMPTS} wrong codes`, async () => {
    const signup = newSignup();
    await postJson('/v1/signup', requestOf(signup));
    const code = await signupCode(signup.email);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const verify = (candidate: string) =>
      postJson('/v1/signup/verify', { email: signup.email, code: candidate, password: signup.password });

    const answers = [];
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i += 1) answers.push(await verify(wrong));
    const withRightCode = await verify(code);

    expect(answers.map((answer) => answer.status)).toEqual(Array(MAX_CODE_ATTEMPTS).fill(400));
    expect(answers.map((answer) => answer.json().error.code)).toEqual([
      ...Array(MAX_CODE_ATTEMPTS - 1).fill('verification_failed'),
      'verification_locked',
    ]);
    expect(withRightCode.status).toBe(400);
    expect(withRightCode.json().error.code).toBe('verification_locked');
    expect(await tables.accountsItem(`EMAIL#${signup.email}`, 'EMAIL')).toBeUndefined();
  });

  it('answers a code for an address that never signed up like a wrong one', async () => {
    const response = await postJson('/v1/signup/verify', {
      email: `nobody.${Date.now()}@harborview.example`,
      code: '12345678',
      password: 'Sunrise-Harbor-2026-Scan',
    });

    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('verification_failed');
  });

  it(`refuses more than ${SIGNUP_RATE_LIMIT.defaultLimit} sign-up requests per IP in 5 minutes with 429 rate_limited, as the WAF does`, async () => {
    // 127.0.0.2: a client the test setup does not exempt (it exempts 127.0.0.1, by name).
    const send = () =>
      callApi('POST', '/v1/signup', {
        body: JSON.stringify(requestOf(newSignup())),
        localAddress: '127.0.0.2',
      });
    const statuses: number[] = [];
    for (let i = 0; i < SIGNUP_RATE_LIMIT.defaultLimit; i += 1) statuses.push((await send()).status);

    const refused = await send();
    const verifyRefused = await callApi('POST', '/v1/signup/verify', {
      body: '{}',
      localAddress: '127.0.0.2',
    });

    expect(statuses).toEqual(Array(SIGNUP_RATE_LIMIT.defaultLimit).fill(202));
    expect(refused.status).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(verifyRefused.status).toBe(429);
    expect((await postJson('/v1/signup', requestOf(newSignup()))).status).toBe(202);
  });

  it.each([
    ['missing fields', (valid: Record<string, unknown>) => ({ email: valid.email })],
    ['an invalid email', (valid: Record<string, unknown>) => ({ ...valid, email: 'jordan@' })],
    ['an unknown role', (valid: Record<string, unknown>) => ({ ...valid, role: 'janitor' })],
    ['role support', (valid: Record<string, unknown>) => ({ ...valid, role: 'support' })],
    ['an orgId', (valid: Record<string, unknown>) => ({ ...valid, orgId: 'org-of-someone-else' })],
    ['permissions', (valid: Record<string, unknown>) => ({ ...valid, permissions: ['manage-users'] })],
    ['a password', (valid: Record<string, unknown>) => ({ ...valid, password: 'Sunrise-Harbor-2026-Scan' })],
  ])('[PP-01] refuses %s with 400 invalid_request and writes nothing', async (_label, mutate) => {
    const signup = requestOf(newSignup());
    const before = await tables.accountsItemCount();

    const response = await postJson('/v1/signup', mutate(signup));

    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect(await tables.accountsItem(`SIGNUP#${signup.email}`, 'PENDING')).toBeUndefined();
    expect(await tables.accountsItemCount()).toBe(before);
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const response = await callApi('POST', '/v1/signup', { body: '{"name": "Jordan", ' });

    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('invalid_json');
  });

  it('refuses a 1 MB body with 413 and writes nothing', async () => {
    const before = await tables.accountsItemCount();

    const response = await postJson('/v1/signup', {
      ...requestOf(newSignup()),
      name: 'x'.repeat(1024 * 1024),
    });

    expect(response.status).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
    expect(await tables.accountsItemCount()).toBe(before);
  });
});
