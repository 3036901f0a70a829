import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { buildOpenApiDocument } from '../../../functions/shared/openapi';
import { routes } from '../../../functions/shared/routes';
import { SUPPORT_GROUPS } from '../../../infra/identity/user-pool-definitions';
import { ACTIONS } from '../../../schemas/accounts/roles';
import { AUDIT_EVENTS } from '../../../schemas/audit/audit-event';

const table = routes as readonly RouteDefinition[];
const root = path.resolve(__dirname, '../../..');

describe('the route table', () => {
  it.each(table.map((route) => [route.id, route] as const))(
    '[PP-18] %s declares who may call it (deny by default)',
    (_id, route) => {
      expect(['public', 'member', 'action', 'workforce']).toContain(route.access.kind);
      if (route.access.kind === 'action') {
        for (const action of [route.access.action, ...(route.access.orActions ?? [])]) {
          expect(ACTIONS).toContain(action);
        }
      }
      if (route.access.kind === 'workforce') expect(SUPPORT_GROUPS).toContain(route.access.group);
      if (route.access.kind === 'public') expect(route.access.reason.length).toBeGreaterThan(10);
    },
  );

  it('only the reviewed public routes skip the authorizer', () => {
    expect(table.filter((route) => route.access.kind === 'public').map((route) => route.id)).toEqual([
      'health',
      'getOpenApi',
      'signup',
      'verifySignup',
      // The share recipient's pages: the link, the mailed code and the session cookie are the checks [PP-07].
      'openSharePage',
      'requestShareCode',
      'openShareSession',
      'viewShare',
      'viewSharedImage',
      'downloadShare',
      // The privacy policy: public text, the same for everyone, read before signing up.
      'getCurrentPolicy',
      'listPolicyVersions',
      'getPolicyVersion',
      'receiveStripeWebhook',
      // RFC 8058 one-click unsubscribe: the signed link is the credential; GET only shows a page.
      'showUnsubscribe',
      'unsubscribe',
    ]);
  });

  it('[PP-18] every route that may touch customer data names its audit event', () => {
    const PUBLIC_WITHOUT_DATA = new Set([
      'health',
      'getOpenApi',
      'getCurrentPolicy',
      'listPolicyVersions',
      'getPolicyVersion',
      // The unsubscribe page only checks the link's signature: it reads and writes nothing.
      'showUnsubscribe',
    ]);
    for (const route of table) {
      // Health, the API description and the public privacy policy carry no customer data.
      if (PUBLIC_WITHOUT_DATA.has(route.id)) continue;
      expect(route.audit && route.audit in AUDIT_EVENTS).toBe(true);
    }
  });

  it('has unique ids and unique method + path pairs, and every handler file exists', () => {
    expect(new Set(table.map((route) => route.id)).size).toBe(table.length);
    expect(new Set(table.map((route) => `${route.method} ${route.path}`)).size).toBe(table.length);
    for (const route of table) {
      expect(existsSync(path.join(root, 'functions', `${route.handler}.ts`))).toBe(true);
    }
  });

  it('the committed docs/openapi.json matches the route table (run `npm run openapi` after changing routes)', () => {
    const committed = JSON.parse(readFileSync(path.join(root, 'docs', 'openapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument('dev'))));
  });
});
