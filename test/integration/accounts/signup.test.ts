import { setTimeout as sleep } from 'node:timers/promises';
import { callApi, postJson, sentMail, signIn } from '../../support/local-client';
import { localTables } from '../../support/local-tables';

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

async function waitForMailTo(address: string) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const mail = (await sentMail()).find((candidate) => candidate.destination.to.includes(address));
    if (mail) return mail;
    await sleep(100);
  }
  return undefined;
}

describe('POST /v1/signup over HTTPS', () => {
  it('[PP-01] creates an organization whose founder can sign in and read their profile', async () => {
    const signup = newSignup();

    const response = await postJson('/v1/signup', signup);

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

  it('[PP-02] sends the transactional welcome mail through SES via the welcome workflow', async () => {
    const signup = newSignup();

    await postJson('/v1/signup', signup);

    const mail = await waitForMailTo(signup.email);
    expect(mail?.subject).toBe('Welcome to PACScribe');
    expect(mail?.body.text).toContain(signup.organizationName);
  });

  it('[PP-18] records the sign-up in the new organization audit trail', async () => {
    const signup = newSignup();

    const { orgId, userId } = (await postJson('/v1/signup', signup)).json();

    const records = await tables.auditRecords(orgId);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      event: 'account-created',
      eventId: { system: 'DCM', code: '110113' },
      action: 'C',
      outcome: 0,
      actor: { kind: 'customer', userId },
      route: 'POST /v1/signup',
      objects: expect.arrayContaining([{ type: 'organization', id: orgId }]),
    });
  });

  it('answers a duplicate email with a 409 that reveals nothing about the existing account', async () => {
    const signup = newSignup();
    const first = (await postJson('/v1/signup', signup)).json();

    const duplicate = await postJson('/v1/signup', { ...signup, organizationName: 'Somewhere Else' });

    expect(duplicate.status).toBe(409);
    expect(duplicate.json().error.code).toBe('conflict');
    expect(duplicate.text).not.toContain(first.orgId);
    expect(duplicate.text).not.toContain(first.userId);
    expect(duplicate.text).not.toContain('Harbor View');
  });

  it.each([
    ['missing fields', (valid: Record<string, unknown>) => ({ email: valid.email })],
    ['an invalid email', (valid: Record<string, unknown>) => ({ ...valid, email: 'jordan@' })],
    ['an unknown role', (valid: Record<string, unknown>) => ({ ...valid, role: 'janitor' })],
    ['role support', (valid: Record<string, unknown>) => ({ ...valid, role: 'support' })],
    ['an orgId', (valid: Record<string, unknown>) => ({ ...valid, orgId: 'org-of-someone-else' })],
    ['permissions', (valid: Record<string, unknown>) => ({ ...valid, permissions: ['manage-users'] })],
  ])('[PP-01] refuses %s with 400 invalid_request and writes nothing', async (_label, mutate) => {
    const signup = newSignup();
    const before = await tables.accountsItemCount();

    const response = await postJson('/v1/signup', mutate(signup));

    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect(await tables.accountsItem(`EMAIL#${signup.email}`, 'EMAIL')).toBeUndefined();
    expect(await tables.accountsItemCount()).toBe(before);
    await expect(signIn(signup.email, signup.password)).rejects.toThrow();
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const response = await callApi('POST', '/v1/signup', { body: '{"name": "Jordan", ' });

    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('invalid_json');
  });

  it('refuses a 1 MB body with 413 and writes nothing', async () => {
    const before = await tables.accountsItemCount();

    const response = await postJson('/v1/signup', { ...newSignup(), name: 'x'.repeat(1024 * 1024) });

    expect(response.status).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
    expect(await tables.accountsItemCount()).toBe(before);
  });
});
