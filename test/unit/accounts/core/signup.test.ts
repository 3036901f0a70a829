import {
  createAccount,
  MAX_CODE_ATTEMPTS,
  MAX_SIGNUP_MAILS_PER_WINDOW,
  requestSignup,
  verifySignup,
} from '../../../../functions/accounts/core/signup';
import { composeVerificationCodeMail } from '../../../../functions/mail/core/signup-mail';
import {
  ConflictError,
  DependencyUnavailableError,
  VerificationFailedError,
} from '../../../../functions/shared/errors';
import { DEFAULT_PERMISSIONS } from '../../../../schemas/accounts/roles';
import type { NewAccount, SignupBody } from '../../../../schemas/accounts/signup';
import {
  fixedClock,
  InMemoryAccounts,
  InMemoryIdentities,
  InMemoryPendingSignups,
  RecordingSignupMail,
  RecordingWelcomeWorkflow,
  sequentialIds,
} from '../../../support/fakes';

const body: SignupBody = {
  name: 'Dana Reyes',
  organizationName: 'Northside Imaging',
  role: 'radiologist',
  email: 'dana@northside.example',
};
const password = 'Correct-Horse-42-Battery';
const account: NewAccount = { ...body, password };

function setup(now = '2026-11-24T12:00:00.000Z') {
  const accounts = new InMemoryAccounts();
  let codes = 0;
  const deps = {
    accounts,
    identities: new InMemoryIdentities(),
    welcome: new RecordingWelcomeWorkflow(),
    pending: new InMemoryPendingSignups(() => accounts.emailClaims),
    mail: new RecordingSignupMail(),
    codes: { issue: () => String(12345670 + ++codes) },
    clock: fixedClock(now),
    ids: sequentialIds('org'),
  };
  return deps;
}
type Deps = ReturnType<typeof setup>;
const later = (deps: Deps, iso: string) => ({ ...deps, clock: fixedClock(iso) });
const lastCode = (deps: Deps) => deps.mail.codes.at(-1)?.code ?? '';

describe('requestSignup', () => {
  it('answers a new and an existing address alike', async () => {
    const deps = setup();
    await createAccount(deps, { ...account, email: 'taken@northside.example' });

    const fresh = await requestSignup(deps, body);
    const existing = await requestSignup(deps, { ...body, email: 'taken@northside.example' });

    expect(fresh).toEqual({ status: 'verification-sent' });
    expect(existing).toEqual(fresh);
  });

  it('[PP-18] creates no organization, identity or welcome mail before the address is proven', async () => {
    const deps = setup();

    await requestSignup(deps, body);

    expect(deps.accounts.organizations.size).toBe(0);
    expect(deps.identities.users.size).toBe(0);
    expect(deps.welcome.started).toEqual([]);
    expect(deps.mail.codes).toEqual([
      { email: body.email, code: '12345671', expiresAt: new Date('2026-11-25T12:00:00.000Z') },
    ]);
  });

  it('keeps only a salted hash of the code, and no password', async () => {
    const deps = setup();

    await requestSignup(deps, body);

    const stored = JSON.stringify(deps.pending.records.get(body.email));
    expect(stored).not.toContain('12345671');
    expect(stored).not.toContain(password);
  });

  it('mails the owner of an existing address a notice without names, and no code', async () => {
    const deps = setup();
    await createAccount(deps, account);

    await requestSignup(deps, { ...body, organizationName: 'Attacker Org', name: 'Mallory' });

    expect(deps.mail.notices).toEqual([body.email]);
    expect(deps.mail.codes).toEqual([]);
    expect(deps.pending.records.size).toBe(0);
  });

  it('mails one address at most a few times per window, whatever is asked', async () => {
    const deps = setup();
    for (let i = 0; i < MAX_SIGNUP_MAILS_PER_WINDOW + 3; i += 1) await requestSignup(deps, body);

    expect(deps.mail.codes).toHaveLength(MAX_SIGNUP_MAILS_PER_WINDOW);
  });
});

describe('verification mail', () => {
  it('carries none of the text the requester typed', () => {
    const mail = composeVerificationCodeMail(body.email, '12345671', new Date('2026-11-25T12:00:00Z'));

    for (const text of [mail.subject, mail.text, mail.html]) {
      expect(text).not.toContain(body.name);
      expect(text).not.toContain(body.organizationName);
    }
    expect(mail.text).toContain('12345671');
  });
});

describe('verifySignup', () => {
  it('[PP-01] creates the organization and its founding administrator once the code is proven', async () => {
    const deps = setup();
    await requestSignup(deps, body);

    const result = await verifySignup(deps, { email: body.email, code: lastCode(deps), password });

    expect(result).toEqual({ orgId: 'org-1', userId: 'user-1', email: body.email, role: 'administrator' });
    expect(deps.accounts.organizations.get('org-1')?.name).toBe('Northside Imaging');
    expect(deps.accounts.members.get('user-1')).toMatchObject({
      orgId: 'org-1',
      name: 'Dana Reyes',
      role: 'administrator',
      professionalRole: 'radiologist',
      status: 'active',
      permissions: [...DEFAULT_PERMISSIONS.administrator],
    });
    expect(deps.identities.users.get(body.email)?.groups).toEqual(['administrator']);
    expect(deps.welcome.started).toEqual([{ orgId: 'org-1', userId: 'user-1' }]);
  });

  it('answers a retry with the right code with the same account, creating nothing more', async () => {
    const deps = setup();
    await requestSignup(deps, body);
    const first = await verifySignup(deps, { email: body.email, code: lastCode(deps), password });

    const again = await verifySignup(deps, { email: body.email, code: lastCode(deps), password });

    expect(again).toEqual(first);
    expect(deps.accounts.organizations.size).toBe(1);
    expect(deps.welcome.started).toHaveLength(1);
  });

  it('refuses a wrong, an expired and a never-issued code alike', async () => {
    const deps = setup();
    await requestSignup(deps, body);
    const code = lastCode(deps);

    const wrong = verifySignup(deps, { email: body.email, code: '00000000', password });
    const expired = verifySignup(later(deps, '2026-11-25T12:00:01.000Z'), {
      email: body.email,
      code,
      password,
    });
    const unknown = verifySignup(deps, { email: 'nobody@northside.example', code, password });

    for (const attempt of [wrong, expired, unknown]) {
      await expect(attempt).rejects.toEqual(new VerificationFailedError(false));
    }
    expect(deps.accounts.organizations.size).toBe(0);
  });

  it(`locks after ${MAX_CODE_ATTEMPTS} wrong codes, even against the right one, until a new code`, async () => {
    const deps = setup();
    await requestSignup(deps, body);
    const code = lastCode(deps);
    const outcomes: boolean[] = [];
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i += 1) {
      const error = await verifySignup(deps, { email: body.email, code: '00000000', password }).catch(
        (e) => e,
      );
      outcomes.push((error as VerificationFailedError).locked);
    }

    expect(outcomes).toEqual([false, false, false, false, true]);
    await expect(verifySignup(deps, { email: body.email, code, password })).rejects.toEqual(
      new VerificationFailedError(true),
    );
    expect(deps.accounts.organizations.size).toBe(0);

    await requestSignup(deps, body);
    await expect(
      verifySignup(deps, { email: body.email, code: lastCode(deps), password }),
    ).resolves.toMatchObject({
      email: body.email,
    });
  });

  it('locks guesses at an address with no pending sign-up the same way', async () => {
    const deps = setup();
    let last: unknown;
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i += 1) {
      last = await verifySignup(deps, { email: 'nobody@x.example', code: '00000000', password }).catch(
        (e) => e,
      );
    }
    expect(last).toEqual(new VerificationFailedError(true));
  });

  it('accepts only the latest code', async () => {
    const deps = setup();
    await requestSignup(deps, body);
    const first = lastCode(deps);
    await requestSignup(deps, body);

    await expect(verifySignup(deps, { email: body.email, code: first, password })).rejects.toBeInstanceOf(
      VerificationFailedError,
    );
  });
});

describe('createAccount', () => {
  it('refuses a second account with the same email and keeps the first intact', async () => {
    const deps = setup();
    await createAccount(deps, account);

    await expect(createAccount(deps, { ...account, organizationName: 'Other' })).rejects.toBeInstanceOf(
      ConflictError,
    );

    expect(deps.accounts.organizations.size).toBe(1);
    expect(deps.identities.users.size).toBe(1);
  });

  it('leaves nothing behind when a later step fails, so the verification can be retried', async () => {
    const deps = setup();
    deps.welcome.failWith = new Error('workflow engine down');

    await expect(createAccount(deps, account)).rejects.toBeInstanceOf(DependencyUnavailableError);

    expect(deps.accounts.organizations.size).toBe(0);
    expect(deps.accounts.members.size).toBe(0);
    expect(deps.accounts.emailClaims.size).toBe(0);
    expect(deps.identities.users.size).toBe(0);

    deps.welcome.failWith = null;
    await expect(createAccount(deps, account)).resolves.toMatchObject({ email: body.email });
  });
});
