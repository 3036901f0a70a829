import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
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

/** A page's guard is its menu entry's permissions, so the menu and the guard cannot disagree. */
const anyOfFor = (navPath: string) => NAV.find((item) => item.path === navPath)?.anyOf ?? [];

/** Every route: its pattern, the menu entry it belongs to, and what it renders. */
const PAGES: readonly {
  route: string;
  nav: string;
  render: (params: Record<string, string | undefined>) => ReactNode;
}[] = [
  { route: '/', nav: '/', render: () => <HomePage /> },
  { route: '/studies', nav: '/studies', render: () => <StudiesPage /> },
  { route: '/studies/:study', nav: '/studies', render: (params) => <StudyPage study={params.study ?? ''} /> },
  { route: '/upload', nav: '/upload', render: () => <UploadPage /> },
  { route: '/shares/:study?', nav: '/shares', render: (params) => <SharesPage study={params.study} /> },
  {
    route: '/exports/:exportId?',
    nav: '/exports',
    render: (params) => <ExportsPage selected={params.exportId} />,
  },
  { route: '/users', nav: '/users', render: () => <UsersPage /> },
  { route: '/audit', nav: '/audit', render: () => <AuditPage /> },
  { route: '/support', nav: '/support', render: () => <SupportPage /> },
  { route: '/billing', nav: '/billing', render: () => <BillingPage /> },
  { route: '/preferences', nav: '/preferences', render: () => <PreferencesPage /> },
  { route: '/privacy-policy', nav: '/privacy-policy', render: () => <PolicyPage /> },
];

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

function Guarded({ anyOf, children }: { anyOf: readonly Action[]; children: ReactNode }) {
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
          {PAGES.map((page) => (
            <Route key={page.route} path={page.route}>
              {(params: Record<string, string | undefined>) => (
                <Guarded anyOf={anyOfFor(page.nav)}>{page.render(params)}</Guarded>
              )}
            </Route>
          ))}
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
