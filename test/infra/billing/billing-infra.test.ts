import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import { allowedStatementsOf, propertyAt, resourcesOf, synthesizedApp } from '../app-fixture';

const app = () => synthesizedApp().stacks;
const all = routes as readonly RouteDefinition[];
const billingRoutes = all.filter((route) => route.context === 'billing');
const functionOf = (route: RouteDefinition) => {
  const fn = app().api.routeApi.functions[route.id];
  if (!fn) throw new Error(`no function for ${route.id}`);
  return fn;
};
const statementsOf = (route: RouteDefinition) => {
  const { api } = app();
  return allowedStatementsOf(api, functionOf(route).role);
};
/** A route's function, found by the description the API construct gives it (method and path). */
const environmentOf = (route: RouteDefinition) => {
  const resource = Object.values(resourcesOf(app().api, 'AWS::Lambda::Function')).find((fn) =>
    String(fn.Properties?.Description ?? '').startsWith(`${route.method} ${route.path}: `),
  );
  return Object.keys(propertyAt<Record<string, unknown>>(resource, 'Environment.Variables'));
};

describe('billing infrastructure', () => {
  it('[PP-17] the functions that talk to Stripe hold no PHI: no imaging data, no audit reading, no support messages', () => {
    expect(billingRoutes.map((route) => route.id).sort()).toEqual([
      'getBilling',
      'openPortal',
      'receiveStripeWebhook',
      'startCheckout',
    ]);
    for (const route of billingRoutes) {
      const statements = statementsOf(route);
      // Nothing that names imaging data, exports, support messages or inbound mail.
      const phi = statements.filter((statement) =>
        /Imaging|Exports|SupportMessage|InboundMail/.test(JSON.stringify(statement.Resource)),
      );
      expect([route.id, phi]).toEqual([route.id, []]);
      // The audit table only to append (and find the chain head); the support table only for grant lookups.
      const auditReads = statements.filter((statement) => /^QueryAuditRecords/.test(statement.Sid ?? ''));
      expect([route.id, auditReads]).toEqual([route.id, []]);
      const supportTable = statements.filter(
        (statement) =>
          /SupportTable/.test(JSON.stringify(statement.Resource)) && statement.Sid !== 'LookUpSupportGrants',
      );
      expect([route.id, supportTable]).toEqual([route.id, []]);
      const env = environmentOf(route);
      expect([route.id, env.filter((name) => /^(IMAGING|SUPPORT_MESSAGE|EXPORTS)_/.test(name))]).toEqual([
        route.id,
        [],
      ]);
    }
  });

  it('[PP-16] only the billing functions can read the Stripe secret', () => {
    for (const route of all.filter((candidate) => candidate.access.kind !== 'workforce')) {
      const readsSecret = statementsOf(route).some((statement) => statement.Sid === 'ReadStripeSecret');
      expect([route.id, readsSecret]).toEqual([route.id, route.context === 'billing']);
    }
  });

  it('[PP-17] gated routes read the subscription status of organization items and nothing else of the billing table', () => {
    const gated = all.filter((route) => route.subscriptionGated);
    expect(gated.length).toBeGreaterThanOrEqual(10);
    for (const route of gated) {
      const standing = statementsOf(route).filter(
        (statement) => statement.Sid === 'ReadSubscriptionStanding',
      );
      expect([route.id, standing]).toEqual([
        route.id,
        [
          expect.objectContaining({
            Action: 'dynamodb:GetItem',
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] },
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'status'] },
              StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
            },
          }),
        ],
      ]);
    }
    // Routes neither gated nor billing's own never touch the billing table.
    for (const route of all.filter(
      (candidate) => !candidate.subscriptionGated && candidate.context !== 'billing',
    )) {
      expect([route.id, environmentOf(route).includes('BILLING_TABLE_NAME')]).toEqual([route.id, false]);
    }
  });
});
