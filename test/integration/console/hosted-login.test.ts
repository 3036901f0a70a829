import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type ApiResponse, callApi, localConfig, postJson, signIn } from '../../support/local-client';
import { invitationPassword, signUpVerified } from '../../support/organizations';

/** The console's side of the flow, as oidc-client-ts runs it: PKCE S256, then the form, then the code. */
function consoleClient() {
  const { oauth } = localConfig();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const pathOf = (endpoint: string) => new URL(endpoint).pathname;
  const postForm = (endpoint: string, fields: Record<string, string>) =>
    callApi('POST', pathOf(endpoint), {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const transactionOf = (page: ApiResponse) => {
    const id = /name="transaction" value="([^"]+)"/.exec(page.text)?.[1];
    if (!id) throw new Error(`no transaction field in ${page.status} page`);
    return id;
  };
  return {
    oauth,
    postForm,
    transactionOf,
    authorize: () =>
      callApi(
        'GET',
        `${pathOf(oauth.authorizationEndpoint)}?${new URLSearchParams({
          response_type: 'code',
          client_id: oauth.clientId,
          redirect_uri: oauth.redirectUri,
          state,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          scope: 'openid email aws.cognito.signin.user.admin',
        })}`,
      ),
    submitPassword: (page: ApiResponse, email: string, password: string) =>
      postForm(`${localConfig().apiUrl}/login`, { transaction: transactionOf(page), email, password }),
    /** The 302 to the console, checked as the console checks it (same state), then the code redeemed. */
    redeem: async (redirect: ApiResponse) => {
      expect(redirect.status).toBe(302);
      const location = new URL(String(redirect.headers.location));
      expect(`${location.origin}${location.pathname}`).toBe(oauth.redirectUri);
      expect(location.searchParams.get('state')).toBe(state);
      return postForm(oauth.tokenEndpoint, {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: oauth.redirectUri,
        client_id: oauth.clientId,
        code_verifier: verifier,
      });
    },
  };
}

const tag = randomUUID().slice(0, 8);
const domain = `hosted-login-${tag}.example`;
const administrator = { email: `administrator@${domain}`, password: `Admin-${tag}-Passw0rd!` };

beforeAll(async () => {
  const signup = await signUpVerified({
    name: 'Hosted Login Founder',
    organizationName: `Hosted login ${tag}`,
    role: 'radiologist',
    ...administrator,
  });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${signup.text}`);
});

describe('the local hosted UI over HTTPS', () => {
  it('signs a user in with the authorization code and PKCE; the tokens call the API and refresh', async () => {
    const client = consoleClient();
    const form = await client.authorize();
    expect(form.status).toBe(200);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect(form.text).not.toMatch(/<script/i);

    const tokens = await client.redeem(
      await client.submitPassword(form, administrator.email, administrator.password),
    );
    expect(tokens.status).toBe(200);
    expect(tokens.headers['cache-control']).toBe('no-store');
    const issued = tokens.json();
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const me = await callApi('GET', '/v1/me', { token: issued.access_token });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ user: { email: administrator.email, role: 'administrator' } });

    const refreshed = await client.postForm(client.oauth.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
      client_id: client.oauth.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect((await callApi('GET', '/v1/me', { token: refreshed.json().access_token })).status).toBe(200);

    const revoked = await client.postForm(client.oauth.revocationEndpoint, {
      token: issued.refresh_token,
      client_id: client.oauth.clientId,
    });
    expect(revoked.status).toBe(200);
    const afterRevocation = await client.postForm(client.oauth.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
      client_id: client.oauth.clientId,
    });
    expect(afterRevocation.status).toBe(400);
    expect(afterRevocation.json()).toEqual({ error: 'invalid_grant' });
  });

  it('answers a wrong password like an unknown user', async () => {
    const client = consoleClient();
    const form = await client.authorize();
    const wrongPassword = await client.submitPassword(form, administrator.email, 'Not-The-Passw0rd!');
    const unknownUser = await client.submitPassword(form, `nobody@${domain}`, 'Not-The-Passw0rd!');

    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.text).toContain('Incorrect email or password.');
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.text.replace(`nobody@${domain}`, administrator.email)).toBe(wrongPassword.text);
  });

  it('takes an invited user from the temporary password through a new one to tokens', async () => {
    const admin = await signIn(administrator.email, administrator.password);
    const email = `invited@${domain}`;
    const created = await postJson(
      '/v1/users',
      { email, name: 'Ines Invited', role: 'clinician' },
      admin.accessToken,
    );
    expect(created.status).toBe(201);
    const temporary = await invitationPassword(email);
    const client = consoleClient();
    const form = await client.authorize();

    // The temporary password is checked before the new-password step (cognito-local alone skips that).
    const guessed = await client.submitPassword(form, email, 'Guessed-Passw0rd-1!');
    expect(guessed.text).toContain('Incorrect email or password.');
    const challenge = await client.submitPassword(form, email, temporary);
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain('Set a new password');
    const weak = await client.postForm(`${localConfig().apiUrl}/login/new-password`, {
      transaction: client.transactionOf(challenge),
      new_password: 'weakpassword',
      confirm_password: 'weakpassword',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Password does not conform to policy');
    const chosen = `Ines-${tag}-Passw0rd!`;
    const accepted = await client.postForm(`${localConfig().apiUrl}/login/new-password`, {
      transaction: client.transactionOf(weak),
      new_password: chosen,
      confirm_password: chosen,
    });
    const tokens = await client.redeem(accepted);

    expect(tokens.status).toBe(200);
    const me = await callApi('GET', '/v1/me', { token: tokens.json().access_token });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ user: { email, role: 'clinician' } });
  });

  it('never redirects to an unregistered address', async () => {
    const { oauth } = localConfig();
    const authorize = await callApi(
      'GET',
      `/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: oauth.clientId,
        redirect_uri: 'https://attacker.example/console/',
        code_challenge: createHash('sha256').update('x'.repeat(43)).digest('base64url'),
        code_challenge_method: 'S256',
      })}`,
    );
    const logout = await callApi(
      'GET',
      `/logout?${new URLSearchParams({ client_id: oauth.clientId, logout_uri: 'https://attacker.example/' })}`,
    );
    const registeredLogout = await callApi(
      'GET',
      `/logout?${new URLSearchParams({ client_id: oauth.clientId, logout_uri: oauth.logoutRedirectUri })}`,
    );

    expect(authorize.status).toBe(400);
    expect(authorize.headers.location).toBeUndefined();
    expect(logout.status).toBe(400);
    expect(logout.headers.location).toBeUndefined();
    expect(registeredLogout.status).toBe(302);
    expect(registeredLogout.headers.location).toBe(oauth.logoutRedirectUri);
  });
});
