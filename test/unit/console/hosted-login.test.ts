import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CONSOLE_SECURITY_HEADERS } from '../../../infra/console/console-security-headers';
import {
  authorizationServer,
  type CognitoSignInPort,
  type IssuedTokens,
  NewPasswordRefused,
  SignInRefused,
} from '../../../scripts/local/hosted-login';
import { mountedPages } from '../../../scripts/local/router';

const ORIGIN = 'https://localhost:8443';
const CLIENT_ID = 'console-client';
const CALLBACK = `${ORIGIN}/console/`;
const WEAK_PASSWORD_MESSAGE = 'Password does not conform to policy: Password not long enough';

/** Cognito as the hosted UI sees it: users with passwords, temporary ones answered with a challenge. */
function fakeCognito() {
  const users = new Map<string, { password: string; temporary: boolean }>([
    ['ada@example.test', { password: 'Right-Passw0rd-1!', temporary: false }],
    ['new@example.test', { password: 'Temp-Passw0rd-1!', temporary: true }],
  ]);
  const refreshTokens = new Map<string, string>();
  const revoked: string[] = [];
  let issued = 0;
  const tokensFor = (email: string): IssuedTokens => {
    issued += 1;
    const refreshToken = `refresh-${issued}`;
    refreshTokens.set(refreshToken, email);
    return { accessToken: `access-${issued}`, idToken: `id-${issued}`, refreshToken, expiresInSeconds: 900 };
  };
  const port: CognitoSignInPort = {
    async signIn(email, password) {
      const user = users.get(email);
      if (!user || user.password !== password) throw new SignInRefused();
      if (user.temporary) return { kind: 'new-password-required', session: `session-${email}` };
      return { kind: 'tokens', tokens: tokensFor(email) };
    },
    async setNewPassword(email, session, newPassword) {
      const user = users.get(email);
      if (!user?.temporary || session !== `session-${email}`) throw new SignInRefused();
      if (newPassword.length < 14) throw new NewPasswordRefused(WEAK_PASSWORD_MESSAGE);
      users.set(email, { password: newPassword, temporary: false });
      return { kind: 'tokens', tokens: tokensFor(email) };
    },
    async refresh(refreshToken) {
      if (!refreshTokens.has(refreshToken)) throw new SignInRefused();
      issued += 1;
      return { accessToken: `access-${issued}`, idToken: `id-${issued}`, expiresInSeconds: 900 };
    },
    async revoke(refreshToken) {
      if (!refreshTokens.delete(refreshToken)) throw new SignInRefused();
      revoked.push(refreshToken);
    },
  };
  return { port, revoked, refreshTokens };
}

function setup() {
  let now = Date.parse('2026-12-05T00:00:00Z');
  const cognito = fakeCognito();
  const handle = authorizationServer({
    cognito: cognito.port,
    clientId: CLIENT_ID,
    callbackUrls: [CALLBACK],
    logoutUrls: [CALLBACK],
    clock: { now: () => new Date(now) },
  });
  const pages: APIGatewayProxyResult[] = [];
  const call = async (method: string, path: string, form?: Record<string, string>) => {
    const result = await handle(
      method,
      new URL(path, ORIGIN),
      Buffer.from(form ? new URLSearchParams(form).toString() : ''),
      form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    );
    if (String(result.headers?.['content-type'] ?? '').startsWith('text/html')) pages.push(result);
    return result;
  };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorizeQuery = (overrides: Record<string, string> = {}) =>
    `/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: CALLBACK,
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid email aws.cognito.signin.user.admin',
      ...overrides,
    })}`;
  const transactionOf = (page: APIGatewayProxyResult) => {
    const id = /name="transaction" value="([^"]+)"/.exec(page.body)?.[1];
    if (!id) throw new Error('no transaction field');
    return id;
  };
  /** Authorize, then sign in: the redirect response. */
  const signIn = async (email: string, password: string) => {
    const form = await call('GET', authorizeQuery());
    return call('POST', '/login', { transaction: transactionOf(form), email, password });
  };
  const codeOf = (result: APIGatewayProxyResult) => {
    const location = new URL(String(result.headers?.location));
    return location.searchParams.get('code') ?? '';
  };
  const redeem = (code: string, overrides: Record<string, string> = {}) =>
    call('POST', '/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: CLIENT_ID,
      code_verifier: verifier,
      ...overrides,
    });
  return {
    call,
    cognito,
    pages,
    authorizeQuery,
    transactionOf,
    signIn,
    codeOf,
    redeem,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('local hosted UI: authorization endpoint', () => {
  it('shows an accessible sign-in form whose only hidden field is an opaque transaction id', async () => {
    const { call, authorizeQuery } = setup();
    const page = await call('GET', authorizeQuery());

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toMatch(/<label for="email">Email<\/label><input id="email"/);
    expect(page.body).toMatch(/<label for="password">Password<\/label><input id="password"/);
    expect(page.body).toContain('<button type="submit">Sign in</button>');
    expect(page.body).toContain(':focus-visible{outline:3px');
    const hidden = [...page.body.matchAll(/type="hidden" name="([^"]+)" value="([^"]+)"/g)];
    expect(hidden.map((match) => match[1])).toEqual(['transaction']);
    expect(hidden[0]?.[2]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.body).not.toContain('state-123');
  });

  it('carries a script-free CSP, no-store and the console security headers', async () => {
    const { call, authorizeQuery } = setup();
    const { headers } = await call('GET', authorizeQuery());
    const csp = String(headers?.['content-security-policy']);

    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(headers?.['cache-control']).toBe('no-store');
    expect(headers).toMatchObject(CONSOLE_SECURITY_HEADERS);
  });

  it.each([
    ['an unknown client', { client_id: 'someone-else' }],
    ['an unregistered redirect URI', { redirect_uri: 'https://attacker.example/console/' }],
    ['a redirect URI that only starts like a registered one', { redirect_uri: `${CALLBACK}evil` }],
  ])('answers %s with an error page and never redirects', async (_case, overrides) => {
    const { call, authorizeQuery } = setup();
    const result = await call('GET', authorizeQuery({ ...overrides, code_challenge_method: 'plain' }));

    expect(result.statusCode).toBe(400);
    expect(result.headers?.location).toBeUndefined();
    expect(result.body).not.toContain('attacker.example');
  });

  it('refuses a repeated redirect_uri without redirecting', async () => {
    const { call, authorizeQuery } = setup();
    const result = await call('GET', `${authorizeQuery()}&redirect_uri=${encodeURIComponent(CALLBACK)}`);

    expect(result.statusCode).toBe(400);
    expect(result.headers?.location).toBeUndefined();
  });

  it.each([
    ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code challenge', { code_challenge: '' }, 'invalid_request'],
    ['the implicit flow', { response_type: 'token' }, 'unsupported_response_type'],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
  ])('redirects %s back to the registered URI with error= and the state', async (_case, overrides, error) => {
    const { call, authorizeQuery } = setup();
    const result = await call('GET', authorizeQuery(overrides));
    const location = new URL(String(result.headers?.location));

    expect(result.statusCode).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });
});

describe('local hosted UI: sign-in', () => {
  it('redirects to the callback with a 256-bit code and the state', async () => {
    const { signIn } = setup();
    const result = await signIn('ada@example.test', 'Right-Passw0rd-1!');
    const location = new URL(String(result.headers?.location));

    expect(result.statusCode).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers a wrong password and an unknown user with the same page', async () => {
    const { call, authorizeQuery, transactionOf } = setup();
    const form = await call('GET', authorizeQuery());
    const transaction = transactionOf(form);
    const wrongPassword = await call('POST', '/login', {
      transaction,
      email: 'ada@example.test',
      password: 'Wrong-Passw0rd-1!',
    });
    const unknownUser = await call('POST', '/login', {
      transaction,
      email: 'nobody@example.test',
      password: 'Wrong-Passw0rd-1!',
    });

    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.body).toContain('Incorrect email or password.');
    expect(unknownUser.statusCode).toBe(wrongPassword.statusCode);
    expect(unknownUser.body.replace('nobody@example.test', 'ada@example.test')).toBe(wrongPassword.body);
    expect(wrongPassword.body).not.toContain('Wrong-Passw0rd-1!');
  });

  it('refuses a sign-in with an unknown transaction', async () => {
    const { call } = setup();
    const result = await call('POST', '/login', {
      transaction: 'made-up',
      email: 'ada@example.test',
      password: 'Right-Passw0rd-1!',
    });

    expect(result.statusCode).toBe(400);
    expect(result.headers?.location).toBeUndefined();
  });

  it('asks a user with a temporary password for a new one, shows the policy message, then issues a code', async () => {
    const { call, signIn, transactionOf, codeOf, redeem } = setup();
    const challenge = await signIn('new@example.test', 'Temp-Passw0rd-1!');
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toContain('<h1>Set a new password</h1>');
    expect(challenge.body).toContain('<button type="submit">Set password</button>');
    expect(challenge.body).not.toContain('session-');
    const transaction = transactionOf(challenge);

    const mismatch = await call('POST', '/login/new-password', {
      transaction,
      new_password: 'Chosen-Passw0rd-1!',
      confirm_password: 'Chosen-Passw0rd-2!',
    });
    expect(mismatch.body).toContain('The passwords do not match.');
    const weak = await call('POST', '/login/new-password', {
      transaction,
      new_password: 'Sh0rt!',
      confirm_password: 'Sh0rt!',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain(WEAK_PASSWORD_MESSAGE);
    const accepted = await call('POST', '/login/new-password', {
      transaction,
      new_password: 'Chosen-Passw0rd-1!',
      confirm_password: 'Chosen-Passw0rd-1!',
    });

    expect(accepted.statusCode).toBe(302);
    expect((await redeem(codeOf(accepted))).statusCode).toBe(200);
  });

  it('renders no script in any page', async () => {
    const { call, authorizeQuery, signIn, pages } = setup();
    await call('GET', authorizeQuery());
    await call('GET', authorizeQuery({ client_id: 'nope' }));
    await signIn('ada@example.test', 'Wrong-Passw0rd-1!');
    await signIn('new@example.test', 'Temp-Passw0rd-1!');
    await call('POST', '/login', { transaction: 'gone', email: 'a@b.test', password: 'x' });
    await call('GET', '/logout?client_id=nope');

    // Three sign-in forms, three error pages, the wrong-password page and the new-password page.
    expect(pages.length).toBe(8);
    for (const page of pages) {
      expect(page.body).not.toMatch(/<script/i);
      expect(page.body).not.toMatch(/\son[a-z]+=/i);
    }
  });
});

describe('local hosted UI: token endpoint', () => {
  it('exchanges a code and the PKCE verifier for tokens, not to be cached', async () => {
    const { signIn, codeOf, redeem } = setup();
    const result = await redeem(codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!')));

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body)).toEqual({
      access_token: 'access-1',
      id_token: 'id-1',
      refresh_token: 'refresh-1',
      token_type: 'Bearer',
      expires_in: 900,
    });
  });

  it('refuses a wrong verifier with invalid_grant, and the code is then spent', async () => {
    const { signIn, codeOf, redeem } = setup();
    const code = codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!'));
    const wrong = await redeem(code, { code_verifier: randomBytes(32).toString('base64url') });

    expect(wrong.statusCode).toBe(400);
    expect(JSON.parse(wrong.body)).toEqual({ error: 'invalid_grant' });
    expect((await redeem(code)).statusCode).toBe(400);
  });

  it('uses a code once; a second use is invalid_grant and revokes the refresh token it bought', async () => {
    const { signIn, codeOf, redeem, cognito } = setup();
    const code = codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!'));
    expect((await redeem(code)).statusCode).toBe(200);
    const again = await redeem(code);

    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body)).toEqual({ error: 'invalid_grant' });
    expect(cognito.revoked).toEqual(['refresh-1']);
  });

  it('refuses a code after five minutes', async () => {
    const { signIn, codeOf, redeem, advance } = setup();
    const code = codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!'));
    advance(5 * 60 * 1000);

    expect(JSON.parse((await redeem(code)).body)).toEqual({ error: 'invalid_grant' });
  });

  it('binds the code to its redirect URI and its client', async () => {
    const { signIn, codeOf, redeem } = setup();
    const otherRedirect = await redeem(codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!')), {
      redirect_uri: `${ORIGIN}/elsewhere/`,
    });
    const otherClient = await redeem(codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!')), {
      client_id: 'someone-else',
    });

    expect(JSON.parse(otherRedirect.body)).toEqual({ error: 'invalid_grant' });
    expect(otherClient.statusCode).toBe(400);
    expect(JSON.parse(otherClient.body)).toEqual({ error: 'invalid_client' });
  });

  it('answers the refresh grant with new access and ID tokens', async () => {
    const { call, signIn, codeOf, redeem } = setup();
    const { refresh_token } = JSON.parse(
      (await redeem(codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!')))).body,
    );
    const refreshed = await call('POST', '/oauth2/token', {
      grant_type: 'refresh_token',
      refresh_token,
      client_id: CLIENT_ID,
    });
    const unknown = await call('POST', '/oauth2/token', {
      grant_type: 'refresh_token',
      refresh_token: 'refresh-unknown',
      client_id: CLIENT_ID,
    });

    expect(refreshed.statusCode).toBe(200);
    // No ID token on a refresh: the client keeps the one it has (see tokenResponse).
    expect(JSON.parse(refreshed.body)).toEqual({
      access_token: 'access-2',
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect(JSON.parse(unknown.body)).toEqual({ error: 'invalid_grant' });
  });

  it.each([
    [{ grant_type: 'password', client_id: CLIENT_ID }, 'unsupported_grant_type'],
    [{ client_id: CLIENT_ID }, 'invalid_request'],
    [{ grant_type: 'authorization_code', client_id: CLIENT_ID }, 'invalid_request'],
  ])('answers a malformed token request %j with %s', async (form, error) => {
    const { call } = setup();
    const result = await call('POST', '/oauth2/token', form);

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toBe(error);
  });
});

describe('local hosted UI: revocation and sign-out', () => {
  it('revokes a refresh token, after which the refresh grant fails', async () => {
    const { call, signIn, codeOf, redeem, cognito } = setup();
    const { refresh_token } = JSON.parse(
      (await redeem(codeOf(await signIn('ada@example.test', 'Right-Passw0rd-1!')))).body,
    );
    const revoked = await call('POST', '/oauth2/revoke', { token: refresh_token, client_id: CLIENT_ID });
    const revokedAgain = await call('POST', '/oauth2/revoke', { token: refresh_token, client_id: CLIENT_ID });

    expect(revoked.statusCode).toBe(200);
    expect(revoked.body).toBe('');
    expect(revokedAgain.statusCode).toBe(200);
    expect(cognito.refreshTokens.has(refresh_token)).toBe(false);
  });

  it('returns to a registered sign-out URL and refuses any other', async () => {
    const { call } = setup();
    const registered = await call(
      'GET',
      `/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(CALLBACK)}`,
    );
    const other = await call(
      'GET',
      `/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent('https://attacker.example/')}`,
    );

    expect(registered.statusCode).toBe(302);
    expect(registered.headers?.location).toBe(CALLBACK);
    expect(other.statusCode).toBe(400);
    expect(other.headers?.location).toBeUndefined();
  });
});

describe('local router mounts', () => {
  it('sends the hosted-UI paths and the Stripe fake to their pages, and nothing else', () => {
    const stripe = jest.fn();
    const login = jest.fn();
    const mounts = [
      { prefixes: ['/local-stripe/'], pages: stripe },
      { prefixes: ['/oauth2/', '/login', '/logout'], pages: login },
    ];

    expect(mountedPages(mounts, '/local-stripe/checkout/cs_1')).toBe(stripe);
    expect(mountedPages(mounts, '/oauth2/token')).toBe(login);
    expect(mountedPages(mounts, '/login')).toBe(login);
    expect(mountedPages(mounts, '/login/new-password')).toBe(login);
    expect(mountedPages(mounts, '/logout')).toBe(login);
    expect(mountedPages(mounts, '/loginx')).toBeUndefined();
    expect(mountedPages(mounts, '/v1/me')).toBeUndefined();
  });
});
