// First: configures zod before any schema module is evaluated.
import './zod-setup';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import type { UserManager } from 'oidc-client-ts';
import { StrictMode, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { createRoot } from 'react-dom/client';
import type { MeResponse } from '../../schemas/accounts/me';
import type { ConsoleConfig } from '../../schemas/console/console-config';
import { ApiClient } from './api/client';
import { describeError } from './api/errors';
import { App } from './app';
import { SessionProvider } from './app-context';
import {
  completeSignIn,
  createUserManager,
  type SignedOutReason,
  signOut,
  takeSignedOutReason,
  watchInactivity,
} from './auth/session';
import { loadConfig } from './config';
import './styles.css';

const REASONS: Record<SignedOutReason, string> = {
  'signed-out': 'You signed out.',
  inactive: 'You were signed out after 15 minutes without activity.',
  expired: 'Your session ended. Sign in again.',
};

function SignInPage(props: { onSignIn: () => void; reason: SignedOutReason | null; error?: string }) {
  return (
    <main id="main" className="sign-in">
      <h1>PACScribe console</h1>
      {props.reason ? <p role="status">{REASONS[props.reason]}</p> : null}
      {props.error ? (
        <p className="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <p>Sign in with your organization account to find studies and manage your organization.</p>
      <Button onPress={props.onSignIn}>Sign in</Button>
    </main>
  );
}

function SignedIn(props: {
  config: ConsoleConfig;
  manager: UserManager;
  accessToken: () => Promise<string | null>;
}) {
  const { config, manager } = props;
  const end = (reason: SignedOutReason) =>
    void signOut(manager, config, reason, async () => {
      await api.post('/v1/me/sign-out');
    });
  const api = useMemo(
    () => new ApiClient(config.apiUrl, props.accessToken, () => void manager.removeUser()),
    [config, manager, props.accessToken],
  );
  // The latest sign-out function, so the watcher is set up once per session rather than per render.
  const endRef = useRef(end);
  endRef.current = end;
  useEffect(
    () => watchInactivity(config.inactivityMinutes, () => endRef.current('inactive')),
    [config.inactivityMinutes],
  );
  const me = useQuery({ queryKey: ['me'], queryFn: () => api.get<MeResponse>('/v1/me') });
  if (me.isPending)
    return (
      <p className="status" role="status">
        Loading your account…
      </p>
    );
  if (me.isError)
    return (
      <main id="main" className="sign-in">
        <h1>PACScribe console</h1>
        <p className="error" role="alert">
          {describeError(me.error)}
        </p>
        <Button onPress={() => end('signed-out')}>Sign out</Button>
      </main>
    );
  const permissions = new Set(me.data.permissions);
  return (
    <SessionProvider
      value={{
        api,
        me: me.data,
        can: (...actions) => actions.some((action) => permissions.has(action)),
        signOut: () => end('signed-out'),
      }}
    >
      <App />
    </SessionProvider>
  );
}

function Console({ config, manager }: { config: ConsoleConfig; manager: UserManager }) {
  const [state, setState] = useState<'checking' | 'signed-in' | 'signed-out'>('checking');
  const [error, setError] = useState<string | undefined>();
  const [reason] = useState(takeSignedOutReason);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const returnTo = await completeSignIn(manager);
        if (returnTo) window.location.hash = returnTo;
      } catch (failure) {
        if (!cancelled) setError(`Sign-in did not complete: ${describeError(failure)}`);
      }
      const user = await manager.getUser();
      if (!cancelled) setState(user && !user.expired ? 'signed-in' : 'signed-out');
    })();
    const onUnloaded = () => setState('signed-out');
    manager.events.addUserUnloaded(onUnloaded);
    manager.events.addSilentRenewError(onUnloaded);
    return () => {
      cancelled = true;
      manager.events.removeUserUnloaded(onUnloaded);
      manager.events.removeSilentRenewError(onUnloaded);
    };
  }, [manager]);
  const accessToken = useMemo(
    () => async () => {
      const user = await manager.getUser();
      return user?.access_token ?? null;
    },
    [manager],
  );
  if (state === 'checking') return null;
  if (state === 'signed-out')
    return (
      <SignInPage
        reason={reason}
        error={error}
        // The page the user asked for is kept in the OAuth state and restored after sign-in.
        onSignIn={() => void manager.signinRedirect({ state: window.location.hash })}
      />
    );
  return <SignedIn config={config} manager={manager} accessToken={accessToken} />;
}

async function start() {
  const root = document.getElementById('root');
  if (!root) return;
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } },
  });
  try {
    const config = await loadConfig();
    const manager = createUserManager(config);
    createRoot(root).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <Console config={config} manager={manager} />
        </QueryClientProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.textContent = `The console could not start: ${describeError(error)}`;
  }
}

void start();
