import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../../functions/shared/ports';
import {
  errorMessage,
  hostedLoginContentSecurityPolicy,
  htmlPage,
  newPasswordForm,
  signInForm,
} from './hosted-login-pages';

/**
 * The local stand-in for Cognito's hosted-UI domain (cognito-local has none): the OAuth 2
 * authorization-code flow with PKCE S256 that the web console uses, in front of cognito-local's
 * InitiateAuth, RespondToAuthChallenge and RevokeToken.
 *
 * - `GET /oauth2/authorize` checks the client and the redirect URI before anything else; a request that
 *   fails those gets an error page and is never redirected. It then requires PKCE S256 and shows the
 *   sign-in form. The PKCE values stay server-side in a transaction; the form carries only its id.
 * - `POST /login` signs in (USER_PASSWORD_AUTH); a temporary password leads to `POST /login/new-password`.
 *   On tokens, a single-use authorization code (256 random bits, five minutes) bound to the client, the
 *   redirect URI and the code challenge is sent to the redirect URI.
 * - `POST /oauth2/token` redeems a code (checking the verifier) or a refresh token; `POST /oauth2/revoke`
 *   revokes a refresh token; `GET /logout` returns to a registered sign-out URL.
 *
 * Differences from AWS: there is no hosted-UI session cookie, so every authorization shows the form; MFA
 * (TOTP setup and codes) is the hosted UI's in AWS and is absent here because cognito-local cannot run
 * TOTP; a `nonce` is accepted but cannot be put into the ID token cognito-local signs (the console relies
 * on PKCE and `state`). Nothing here logs a password, a code or a token.
 */

/** What the authorization server needs from Cognito; tests pass a fake. */
export interface CognitoSignInPort {
  /** USER_PASSWORD_AUTH: tokens, or a new-password challenge for a temporary password. */
  signIn(email: string, password: string): Promise<SignInOutcome>;
  /** Answers NEW_PASSWORD_REQUIRED. */
  setNewPassword(email: string, session: string, newPassword: string): Promise<SignInOutcome>;
  /** REFRESH_TOKEN_AUTH: new access and ID tokens (Cognito keeps the refresh token). */
  refresh(refreshToken: string): Promise<IssuedTokens>;
  revoke(refreshToken: string): Promise<void>;
}

export interface IssuedTokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
}

export type SignInOutcome =
  | { kind: 'tokens'; tokens: IssuedTokens }
  | { kind: 'new-password-required'; session: string };

/** Wrong password, unknown user, disabled user: one answer, so the form never tells who has an account. */
export class SignInRefused extends Error {
  override name = 'SignInRefused';
}
/** The pool's password policy refused a new password; the message is Cognito's. */
export class NewPasswordRefused extends Error {
  override name = 'NewPasswordRefused';
}

const INCORRECT_CREDENTIALS = 'Incorrect email or password.';
const SIGN_IN_EXPIRED = 'This sign-in has expired. Return to the console and sign in again.';
const CODE_LIFETIME_MS = 5 * 60 * 1000;
const TRANSACTION_LIFETIME_MS = 15 * 60 * 1000;
/** Bounds on the in-memory stores: the oldest entries go first when a flood fills them. */
const MAX_TRANSACTIONS = 1000;
const MAX_CODES = 1000;
/** Scopes the app client allows, as configured on the Cognito app client in AWS. */
const ALLOWED_SCOPES = new Set(['openid', 'email', 'profile', 'aws.cognito.signin.user.admin']);
/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface AuthorizationServerOptions {
  cognito: CognitoSignInPort;
  clientId: string;
  /** The app client's callback URLs; a redirect_uri must equal one of them exactly. */
  callbackUrls: readonly string[];
  /** The app client's sign-out URLs, for /logout's logout_uri. */
  logoutUrls: readonly string[];
  clock: Clock;
}

export type AuthorizationServerHandler = (
  method: string,
  url: URL,
  body: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
) => Promise<APIGatewayProxyResult>;

/** The paths the handler answers, for the local router. */
export const HOSTED_LOGIN_PATHS = ['/oauth2/', '/login', '/logout'] as const;

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
}

interface Transaction {
  request: AuthorizationRequest;
  expiresAt: number;
  /** Set once the password was temporary: the challenge's session stays here, never in the page. */
  challenge?: { email: string; session: string };
}

interface AuthorizationCode {
  request: AuthorizationRequest;
  tokens: IssuedTokens;
  expiresAt: number;
  redeemed: boolean;
}

/** A Map that forgets its oldest entry when full and treats expired entries as absent. */
class ExpiringStore<Value extends { expiresAt: number }> {
  private readonly entries = new Map<string, Value>();
  constructor(
    private readonly capacity: number,
    private readonly clock: Clock,
  ) {}

  set(key: string, value: Value): void {
    const now = this.clock.now().getTime();
    for (const [stored, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(stored);
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }

  get(key: string): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** 256 random bits, URL-safe: transaction ids and authorization codes. */
const randomToken = () => randomBytes(32).toString('base64url');

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

const equalStrings = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string) {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

/** Form fields, or null when the body is not a form or names a field twice (RFC 6749 §3.1, §3.2). */
function formFields(
  body: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Map<string, string> | null {
  const type = headerValue(headers, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return null;
  return singleValued(new URLSearchParams(body.toString('utf8')));
}

function singleValued(parameters: URLSearchParams): Map<string, string> | null {
  const fields = new Map<string, string>();
  for (const [name, value] of parameters) {
    if (fields.has(name)) return null;
    fields.set(name, value);
  }
  return fields;
}

const jsonResult = (status: number, body: unknown): APIGatewayProxyResult => ({
  statusCode: status,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  },
  body: JSON.stringify(body),
});

/** RFC 6749 §5.2. */
const tokenError = (error: string, description?: string) =>
  jsonResult(400, description ? { error, error_description: description } : { error });

const redirect = (location: string): APIGatewayProxyResult => ({
  statusCode: 302,
  headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  body: '',
});

/** RFC 6749 §4.1.2.1: to a redirect URI already checked against the registered ones. */
function errorRedirect(redirectUri: string, state: string | undefined, error: string, description: string) {
  const target = new URL(redirectUri);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  if (state !== undefined) target.searchParams.set('state', state);
  return redirect(target.href);
}

export function authorizationServer(options: AuthorizationServerOptions): AuthorizationServerHandler {
  const { cognito, clientId, callbackUrls, logoutUrls, clock } = options;
  const transactions = new ExpiringStore<Transaction>(MAX_TRANSACTIONS, clock);
  const codes = new ExpiringStore<AuthorizationCode>(MAX_CODES, clock);
  const csp = hostedLoginContentSecurityPolicy(callbackUrls.map((url) => new URL(url).origin));
  const page = (status: number, title: string, content: string) => htmlPage(status, title, content, csp);
  const deadEnd = (status: number, message: string) => page(status, 'Sign-in error', errorMessage(message));
  const now = () => clock.now().getTime();

  const authorize = (url: URL): APIGatewayProxyResult => {
    const parameters = singleValued(url.searchParams);
    // Until the client and the redirect URI are known to be registered, nothing is redirected anywhere.
    if (!parameters) return deadEnd(400, 'The sign-in request repeats a parameter.');
    const requestedClient = parameters.get('client_id');
    if (!requestedClient || requestedClient !== clientId) return deadEnd(400, 'Unknown application.');
    const redirectUri = parameters.get('redirect_uri');
    if (!redirectUri || !callbackUrls.includes(redirectUri))
      return deadEnd(400, 'The redirect address is not registered for this application.');
    const state = parameters.get('state');
    if (parameters.get('response_type') !== 'code')
      return errorRedirect(redirectUri, state, 'unsupported_response_type', 'Only response_type=code.');
    const codeChallenge = parameters.get('code_challenge');
    if (
      parameters.get('code_challenge_method') !== 'S256' ||
      !codeChallenge ||
      !S256_CHALLENGE.test(codeChallenge)
    )
      return errorRedirect(
        redirectUri,
        state,
        'invalid_request',
        'PKCE with code_challenge_method=S256 is required.',
      );
    const scopes = (parameters.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.some((scope) => !ALLOWED_SCOPES.has(scope)))
      return errorRedirect(redirectUri, state, 'invalid_scope', 'A requested scope is not allowed.');
    const transactionId = randomToken();
    transactions.set(transactionId, {
      request: { clientId, redirectUri, state, codeChallenge },
      expiresAt: now() + TRANSACTION_LIFETIME_MS,
    });
    return page(200, 'Sign in', signInForm(transactionId));
  };

  /** Tokens in hand: a code for the client, sent to its checked redirect URI. */
  const issueCode = (transactionId: string, transaction: Transaction, tokens: IssuedTokens) => {
    transactions.delete(transactionId);
    const code = randomToken();
    codes.set(code, {
      request: transaction.request,
      tokens,
      expiresAt: now() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    const target = new URL(transaction.request.redirectUri);
    target.searchParams.set('code', code);
    if (transaction.request.state !== undefined) target.searchParams.set('state', transaction.request.state);
    return redirect(target.href);
  };

  const afterSignIn = (
    transactionId: string,
    transaction: Transaction,
    email: string,
    outcome: SignInOutcome,
  ) => {
    if (outcome.kind === 'tokens') return issueCode(transactionId, transaction, outcome.tokens);
    transaction.challenge = { email, session: outcome.session };
    return page(200, 'Set a new password', newPasswordForm(transactionId));
  };

  const login = async (body: Buffer, headers: Parameters<AuthorizationServerHandler>[3]) => {
    const fields = formFields(body, headers);
    const transactionId = fields?.get('transaction') ?? '';
    const transaction = transactions.get(transactionId);
    if (!fields || !transaction) return deadEnd(400, SIGN_IN_EXPIRED);
    const email = (fields.get('email') ?? '').trim();
    const password = fields.get('password') ?? '';
    if (!email || !password)
      return page(
        400,
        'Sign in',
        signInForm(transactionId, { email, error: 'Enter your email and password.' }),
      );
    try {
      return afterSignIn(transactionId, transaction, email, await cognito.signIn(email, password));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      return page(400, 'Sign in', signInForm(transactionId, { email, error: INCORRECT_CREDENTIALS }));
    }
  };

  const newPassword = async (body: Buffer, headers: Parameters<AuthorizationServerHandler>[3]) => {
    const fields = formFields(body, headers);
    const transactionId = fields?.get('transaction') ?? '';
    const transaction = transactions.get(transactionId);
    if (!fields || !transaction?.challenge) return deadEnd(400, SIGN_IN_EXPIRED);
    const chosen = fields.get('new_password') ?? '';
    if (!chosen)
      return page(
        400,
        'Set a new password',
        newPasswordForm(transactionId, { error: 'Enter a new password.' }),
      );
    if (chosen !== fields.get('confirm_password'))
      return page(
        400,
        'Set a new password',
        newPasswordForm(transactionId, { error: 'The passwords do not match.' }),
      );
    const { email, session } = transaction.challenge;
    try {
      return afterSignIn(
        transactionId,
        transaction,
        email,
        await cognito.setNewPassword(email, session, chosen),
      );
    } catch (error) {
      if (error instanceof NewPasswordRefused)
        return page(400, 'Set a new password', newPasswordForm(transactionId, { error: error.message }));
      if (error instanceof SignInRefused) {
        // The challenge's session is spent or expired: start the sign-in again.
        transactions.delete(transactionId);
        return deadEnd(400, SIGN_IN_EXPIRED);
      }
      throw error;
    }
  };

  /**
   * The refresh grant answers without an ID token (OpenID Connect Core §12.2 allows it): cognito-local
   * stamps a new auth_time on a refreshed one, which real Cognito does not and which OIDC clients rightly
   * refuse (the session would end at the first renewal). The client keeps the ID token it has.
   */
  const tokenResponse = (tokens: IssuedTokens, grant: 'authorization_code' | 'refresh_token') =>
    jsonResult(200, {
      access_token: tokens.accessToken,
      ...(grant === 'authorization_code' ? { id_token: tokens.idToken } : {}),
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      token_type: 'Bearer',
      expires_in: tokens.expiresInSeconds,
    });

  const redeemCode = async (fields: Map<string, string>) => {
    const code = fields.get('code');
    const redirectUri = fields.get('redirect_uri');
    const verifier = fields.get('code_verifier');
    if (!code || !redirectUri || !verifier)
      return tokenError('invalid_request', 'code, redirect_uri and code_verifier are required.');
    const stored = codes.get(code);
    if (!stored) return tokenError('invalid_grant');
    if (stored.redeemed) {
      // RFC 6749 §4.1.2: a code used twice is a sign of theft; the tokens it bought are revoked.
      codes.delete(code);
      if (stored.tokens.refreshToken) await cognito.revoke(stored.tokens.refreshToken).catch(() => undefined);
      return tokenError('invalid_grant');
    }
    // One attempt per code, right or wrong: a guessed verifier gets no second try. Only what a replay
    // needs stays in memory: the refresh token to revoke.
    const { request, tokens } = stored;
    stored.redeemed = true;
    stored.tokens = {
      accessToken: '',
      idToken: '',
      expiresInSeconds: 0,
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    };
    if (
      request.clientId !== fields.get('client_id') ||
      request.redirectUri !== redirectUri ||
      !CODE_VERIFIER.test(verifier) ||
      !equalStrings(s256(verifier), request.codeChallenge)
    )
      return tokenError('invalid_grant');
    return tokenResponse(tokens, 'authorization_code');
  };

  const token = async (body: Buffer, headers: Parameters<AuthorizationServerHandler>[3]) => {
    const fields = formFields(body, headers);
    if (!fields) return tokenError('invalid_request', 'A form-encoded body with each parameter once.');
    const grantType = fields.get('grant_type');
    if (!grantType) return tokenError('invalid_request', 'grant_type is required.');
    if (fields.get('client_id') !== clientId) return tokenError('invalid_client');
    if (grantType === 'authorization_code') return redeemCode(fields);
    if (grantType === 'refresh_token') {
      const refreshToken = fields.get('refresh_token');
      if (!refreshToken) return tokenError('invalid_request', 'refresh_token is required.');
      try {
        return tokenResponse(await cognito.refresh(refreshToken), 'refresh_token');
      } catch (error) {
        if (error instanceof SignInRefused) return tokenError('invalid_grant');
        throw error;
      }
    }
    return tokenError('unsupported_grant_type');
  };

  const revoke = async (body: Buffer, headers: Parameters<AuthorizationServerHandler>[3]) => {
    const fields = formFields(body, headers);
    if (!fields) return tokenError('invalid_request', 'A form-encoded body with each parameter once.');
    const refreshToken = fields.get('token');
    if (!refreshToken) return tokenError('invalid_request', 'token is required.');
    if (fields.get('client_id') !== clientId) return tokenError('invalid_client');
    // RFC 7009 §2.2: an unknown or already revoked token is answered like a revoked one.
    await cognito.revoke(refreshToken).catch((error: unknown) => {
      if (!(error instanceof SignInRefused)) throw error;
    });
    return { statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' };
  };

  const logout = (url: URL) => {
    const parameters = singleValued(url.searchParams);
    const logoutUri = parameters?.get('logout_uri');
    if (
      !parameters ||
      parameters.get('client_id') !== clientId ||
      !logoutUri ||
      !logoutUrls.includes(logoutUri)
    )
      return deadEnd(400, 'The sign-out address is not registered for this application.');
    return redirect(logoutUri);
  };

  return async (method, url, body, headers) => {
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'GET /oauth2/authorize':
        return authorize(url);
      case 'POST /login':
        return login(body, headers);
      case 'POST /login/new-password':
        return newPassword(body, headers);
      case 'POST /oauth2/token':
        return token(body, headers);
      case 'POST /oauth2/revoke':
        return revoke(body, headers);
      case 'GET /logout':
        return logout(url);
      default:
        return deadEnd(404, 'Not found.');
    }
  };
}

const NOT_SIGNED_IN = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  // cognito-local's answer to a wrong password (AWS says NotAuthorizedException).
  'InvalidPasswordException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
]);

function issuedTokens(result: AuthenticationResultType | undefined): IssuedTokens {
  if (!result?.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresInSeconds: result.ExpiresIn ?? 3600,
  };
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/** The port over the SDK's Cognito client (cognito-local locally), for the app client `clientId`. */
export function cognitoSignInPort(
  client: CognitoIdentityProviderClient,
  clientId: string,
): CognitoSignInPort {
  const outcome = (result: {
    ChallengeName?: string | undefined;
    Session?: string | undefined;
    AuthenticationResult?: AuthenticationResultType | undefined;
  }): SignInOutcome => {
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && result.Session)
      return { kind: 'new-password-required', session: result.Session };
    if (result.ChallengeName) throw new Error(`unsupported challenge ${result.ChallengeName}`);
    return { kind: 'tokens', tokens: issuedTokens(result.AuthenticationResult) };
  };
  const refusedAsSignIn = (error: unknown): never => {
    if (NOT_SIGNED_IN.has(errorName(error))) throw new SignInRefused();
    throw error;
  };
  return {
    async signIn(email, password) {
      const result = await client
        .send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        )
        .catch(refusedAsSignIn);
      return outcome(result);
    },
    async setNewPassword(email, session, newPassword) {
      const result = await client
        .send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: session,
            ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
          }),
        )
        .catch((error: unknown) => {
          if (errorName(error) === 'InvalidPasswordException')
            throw new NewPasswordRefused(error instanceof Error ? error.message : 'Invalid password.');
          return refusedAsSignIn(error);
        });
      return outcome(result);
    },
    async refresh(refreshToken) {
      const result = await client
        .send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: clientId,
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        )
        .catch(refusedAsSignIn);
      // Cognito does not rotate the refresh token; the client keeps the one it has.
      const { refreshToken: _unchanged, ...tokens } = issuedTokens(result.AuthenticationResult);
      return tokens;
    },
    async revoke(refreshToken) {
      await client
        .send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }))
        .catch(refusedAsSignIn);
    },
  };
}
