import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { Action } from '../../schemas/accounts/roles';
import { useSession } from './app-context';
import { ErrorMessage } from './components/status';
import { NAV } from './navigation';
import { AuditPage } from './pages/audit';
import { BillingPage } from './pages/billing';
import { ExportsPage } from './pages/exports';
import { HomePage } from './pages/home';
import { PolicyPage } from './pages/policy';
import { PreferencesPage } from './pages/preferences';
import { SharesPage } from './pages/shares';
import { StudiesPage } from './pages/studies';
import { StudyPage } from './pages/study';
import { SupportPage } from './pages/support';
import { UploadPage } from './pages/upload';
import { UsersPage } from './pages/users';

function Navigation() {
  const { can } = useSession();
  const [location] = useLocation();
  const current = (path: string) =>
    path === '/' ? location === '/' : location === path || location.startsWith(`${path}/`);
  return (
    <nav aria-label="Console" className="nav">
      <ul>
        {NAV.filter((item) => item.anyOf.length === 0 || can(...item.anyOf)).map((item) => (
          <li key={item.path}>
            <Link href={item.path} aria-current={current(item.path) ? 'page' : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function PolicyNoticeBanner() {
  const { api, me } = useSession();
  const queryClient = useQueryClient();
  const acknowledge = useMutation({
    mutationFn: () => api.post('/v1/me/policy-notice/acknowledge'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  const notice = me.policyNotice;
  if (!notice) return null;
  return (
    <section className="banner" aria-label="Privacy policy update">
      <p>
        The privacy policy changed (version {notice.version}): {notice.summary}{' '}
        <Link href="/privacy-policy">Read it</Link>
      </p>
      <Button onPress={() => acknowledge.mutate()} isDisabled={acknowledge.isPending}>
        I have read the update
      </Button>
      <ErrorMessage error={acknowledge.error} />
    </section>
  );
}

function Guarded({ anyOf, children }: { anyOf: Action[]; children: React.ReactNode }) {
  const { can } = useSession();
  if (anyOf.length > 0 && !can(...anyOf)) {
    return (
      <main id="main" className="main">
        <h1>Not available</h1>
        <p>Your account does not have access to this page. An administrator can change your permissions.</p>
      </main>
    );
  }
  return (
    <main id="main" className="main" tabIndex={-1}>
      {children}
    </main>
  );
}

export function App() {
  const { me, signOut } = useSession();
  return (
    <Router hook={useHashLocation}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">PACScribe</span>
        <span className="organization">{me.organization.name}</span>
        <span className="who">
          {me.user.name} · {me.user.role}
        </span>
        <Button className="secondary" onPress={signOut}>
          Sign out
        </Button>
      </header>
      <PolicyNoticeBanner />
      <div className="layout">
        <Navigation />
        <Switch>
          <Route path="/">
            <Guarded anyOf={[]}>
              <HomePage />
            </Guarded>
          </Route>
          <Route path="/studies">
            <Guarded anyOf={['view']}>
              <StudiesPage />
            </Guarded>
          </Route>
          <Route path="/studies/:study">
            {(params) => (
              <Guarded anyOf={['view']}>
                <StudyPage study={params.study} />
              </Guarded>
            )}
          </Route>
          <Route path="/upload">
            <Guarded anyOf={['upload']}>
              <UploadPage />
            </Guarded>
          </Route>
          <Route path="/shares/:study?">
            {(params) => (
              <Guarded anyOf={['share', 'view-audit']}>
                <SharesPage study={params.study} />
              </Guarded>
            )}
          </Route>
          <Route path="/exports/:exportId?">
            {(params) => (
              <Guarded anyOf={['export']}>
                <ExportsPage selected={params.exportId} />
              </Guarded>
            )}
          </Route>
          <Route path="/users">
            <Guarded anyOf={['manage-users']}>
              <UsersPage />
            </Guarded>
          </Route>
          <Route path="/audit">
            <Guarded anyOf={['view-audit']}>
              <AuditPage />
            </Guarded>
          </Route>
          <Route path="/support">
            <Guarded anyOf={[]}>
              <SupportPage />
            </Guarded>
          </Route>
          <Route path="/billing">
            <Guarded anyOf={['manage-billing']}>
              <BillingPage />
            </Guarded>
          </Route>
          <Route path="/preferences">
            <Guarded anyOf={[]}>
              <PreferencesPage />
            </Guarded>
          </Route>
          <Route path="/privacy-policy">
            <Guarded anyOf={[]}>
              <PolicyPage />
            </Guarded>
          </Route>
          <Route>
            <Guarded anyOf={[]}>
              <h1>Page not found</h1>
              <p>
                <Link href="/">Go to the start page</Link>
              </p>
            </Guarded>
          </Route>
        </Switch>
      </div>
    </Router>
  );
}
