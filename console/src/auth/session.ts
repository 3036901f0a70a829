import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { CONSOLE_SCOPES, type ConsoleConfig } from '../../../schemas/console/console-config';

/** Why the last session ended, shown on the sign-in page; sessionStorage holds no token, only this word. */
const SIGNED_OUT_REASON = 'pacscribe.signedOutReason';
export type SignedOutReason = 'signed-out' | 'inactive' | 'expired';

/**
 * The authorization-code flow with PKCE against the OAuth 2 server in the config (Cognito's hosted UI in
 * AWS, the local stack's stand-in locally). Tokens live only in memory: a reload signs in again, and
 * nothing readable by another tab or left on disk holds a token. The PKCE verifier and state, which must
 * survive the redirect, stay in sessionStorage (oidc-client-ts's default) and are removed on return.
 */
export function createUserManager(config: ConsoleConfig): UserManager {
  const issuer = new URL(config.authorizationEndpoint).origin;
  return new UserManager({
    authority: issuer,
    metadata: {
      issuer,
      authorization_endpoint: config.authorizationEndpoint,
      token_endpoint: config.tokenEndpoint,
      revocation_endpoint: config.revocationEndpoint,
    },
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.logoutRedirectUri,
    response_type: 'code',
    scope: CONSOLE_SCOPES.join(' '),
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    // The refresh token renews the access token before it expires (no hidden iframe).
    automaticSilentRenew: true,
    loadUserInfo: false,
    monitorSession: false,
    revokeTokenTypes: ['refresh_token'],
  });
}

/** Returns from the authorization server: exchanges the code, then removes it from the address bar. */
export async function completeSignIn(manager: UserManager): Promise<string | null> {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('code') && !url.searchParams.has('error')) return null;
  try {
    const user = await manager.signinRedirectCallback();
    return typeof user.state === 'string' ? user.state : '';
  } finally {
    window.history.replaceState(null, '', url.pathname + (url.hash || ''));
  }
}

export function takeSignedOutReason(): SignedOutReason | null {
  const reason = window.sessionStorage.getItem(SIGNED_OUT_REASON);
  window.sessionStorage.removeItem(SIGNED_OUT_REASON);
  return reason === 'signed-out' || reason === 'inactive' || reason === 'expired' ? reason : null;
}

/**
 * Signs out everywhere: the API revokes every refresh token of the user (global sign-out), the
 * in-memory tokens are dropped, and the authorization server's own session is ended at its /logout.
 */
export async function signOut(
  manager: UserManager,
  config: ConsoleConfig,
  reason: SignedOutReason,
  revokeEverywhere: () => Promise<void>,
): Promise<void> {
  window.sessionStorage.setItem(SIGNED_OUT_REASON, reason);
  try {
    await revokeEverywhere();
  } catch {
    // Already signed out or offline: the local session still ends below.
  }
  await manager.removeUser();
  const logout = new URL(config.logoutEndpoint);
  logout.searchParams.set('client_id', config.clientId);
  logout.searchParams.set('logout_uri', config.logoutRedirectUri);
  window.location.assign(logout.toString());
}

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/** Calls `onIdle` once after `minutes` without input; returns the function that stops watching. */
export function watchInactivity(minutes: number, onIdle: () => void): () => void {
  let timer = window.setTimeout(onIdle, minutes * 60_000);
  const reset = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(onIdle, minutes * 60_000);
  };
  for (const event of ACTIVITY_EVENTS) window.addEventListener(event, reset, { passive: true });
  return () => {
    window.clearTimeout(timer);
    for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, reset);
  };
}
