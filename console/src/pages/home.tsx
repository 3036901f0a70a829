import { Link } from 'wouter';
import { useSession } from '../app-context';
import { PageTitle } from '../components/status';
import { NAV } from '../navigation';

export function HomePage() {
  const { me, can } = useSession();
  const pages = NAV.filter((item) => item.path !== '/' && (item.anyOf.length === 0 || can(...item.anyOf)));
  return (
    <>
      <PageTitle description={`${me.organization.name} · signed in as ${me.user.email}`}>
        Welcome, {me.user.name}
      </PageTitle>
      <section aria-labelledby="permissions-heading">
        <h2 id="permissions-heading">What your account can do</h2>
        <p>
          Role: <strong>{me.user.role}</strong>. Permissions: {me.permissions.join(', ') || 'none'}.
        </p>
      </section>
      <section aria-labelledby="pages-heading">
        <h2 id="pages-heading">Pages</h2>
        <ul className="cards">
          {pages.map((item) => (
            <li key={item.path}>
              <Link href={item.path}>{item.label}</Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
