import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { routes } from '../../../functions/shared/routes';
import { workflows } from '../../../functions/shared/workflows';
import { JWKS_RELAY_HANDLER } from '../../../schemas/accounts/env';
import { BILLING_INVOICES_HANDLER } from '../../../schemas/billing/env';
import { DELIVERY_EVENTS_HANDLER, OVERDUE_CHECK_HANDLER } from '../../../schemas/mail/env';
import { installLambdaStreamingShim } from '../../support/lambda-streaming';

// Streaming handlers are built in streamifyResponse mode, which needs the runtime's awslambda global.
installLambdaStreamingShim();

const root = path.resolve(__dirname, '../../..');
const functionsDir = path.join(root, 'functions');

/** Every module under functions/<context>/handlers, as routes and workflows name them. */
function handlerModules(): string[] {
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((context) => {
      const dir = path.join(functionsDir, context.name, 'handlers');
      try {
        return readdirSync(dir)
          .filter((file) => file.endsWith('.ts'))
          .map((file) => `${context.name}/handlers/${file.slice(0, -'.ts'.length)}`);
      } catch {
        return [];
      }
    });
}

/** Relative imports of every .ts file under a folder, resolved to paths under functions/. */
function importsUnder(folder: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      found.push({
        file,
        target: path.relative(functionsDir, path.resolve(path.dirname(file), match[1] ?? '')),
      });
    }
  }
  return found;
}

describe('context route modules', () => {
  it.each(routes.map((route) => [route.id, route] as const))(
    '%s is the route its handler module serves',
    async (_id, route) => {
      const module = (await import(path.join(functionsDir, route.handler))) as {
        handler?: { route?: unknown };
      };
      expect(module.handler?.route).toBe(route);
    },
  );

  it('each route is declared in its own context and listed under the id it carries', async () => {
    for (const route of routes) {
      expect(route.handler.startsWith(`${route.context}/handlers/`)).toBe(
        route.context !== 'shared' || route.handler.startsWith('shared/handlers/'),
      );
      const contextModule =
        route.context === 'shared'
          ? await import(path.join(functionsDir, 'shared/platform-routes'))
          : await import(path.join(functionsDir, route.context, 'routes'));
      const declared =
        contextModule[route.context === 'shared' ? 'platformRoutes' : `${route.context}Routes`];
      expect(declared[route.id]).toBe(route);
    }
  });

  it('handlers/ folders hold entry points only: each module is named by a route or a workflow task', () => {
    const named = new Set([
      ...routes.map((route) => route.handler),
      ...workflows.flatMap((workflow) => Object.values(workflow.taskFunctions)),
      // The audit table's stream consumer, wired by the audit archive construct.
      'audit/handlers/archive-audit-records',
      // SES receiving's function for the support address, wired by the support mail intake construct.
      'support/handlers/file-mailed-request',
      // The scheduled purge of deleted studies, wired by infra/imaging/deleted-study-purge.ts.
      'imaging/handlers/purge-deleted-studies',
      // The hourly overdue opt-out check and the SES delivery-event handler (infra/mail/).
      OVERDUE_CHECK_HANDLER,
      DELIVERY_EVENTS_HANDLER,
      // The JWKS relay for functions in the VPC, wired by infra/api/jwks-relay.ts.
      JWKS_RELAY_HANDLER,
      // The invoice lister for the export task in the VPC, wired by infra/billing/invoice-lister.ts.
      BILLING_INVOICES_HANDLER,
    ]);
    expect(handlerModules().filter((module) => !named.has(module))).toEqual([]);
  });

  it('the shared HTTP stack and auth know no context: the composition root joins them', () => {
    const contexts = ['accounts', 'audit', 'imaging', 'mail', 'support'];
    const crossings = ['shared/http', 'shared/auth', 'shared/aws']
      .flatMap((folder) => importsUnder(path.join(functionsDir, folder)))
      .filter(({ target }) => contexts.some((context) => target.startsWith(`${context}/`)));
    expect(crossings).toEqual([]);
  });
});
