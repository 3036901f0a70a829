import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { accountsRoutes } from '../../../functions/accounts/routes';
import { RequestAuditTrail } from '../../../functions/audit/core/request-audit-trail';
import { DynamoSubscriptionStanding } from '../../../functions/billing/adapters/dynamo-subscription-standing';
import type { SubscriptionStanding } from '../../../functions/shared/auth/subscription-standing';
import type { TokenVerifier } from '../../../functions/shared/auth/token-verifier';
import { buildHttpHandler, type HttpRuntime } from '../../../functions/shared/http/http-handler';
import { ok } from '../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import type { Member } from '../../../schemas/accounts/entities';
import { loadEvent, testContext } from '../../support/events';
import { fixedClock, InMemoryAccounts, InMemoryAuditLog, sequentialIds } from '../../support/fakes';

const NOW = '2026-11-24T12:00:00.000Z';
const TOKEN = 'eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl';
const ADMIN: Member = {
  userId: 'user-admin',
  orgId: 'org-a',
  email: 'admin@a.example',
  name: 'Alex Admin',
  role: 'administrator',
  professionalRole: 'administrator',
  permissions: ['view', 'manage-users'],
  status: 'active',
  tokensValidAfter: NOW,
  createdAt: NOW,
  createdBy: 'user-admin',
};

function setup(standing: SubscriptionStanding | undefined) {
  const accounts = new InMemoryAccounts();
  accounts.members.set(ADMIN.userId, ADMIN);
  const audit = new InMemoryAuditLog();
  const tokens: TokenVerifier = {
    async verify() {
      return { subject: ADMIN.userId, pool: 'customers', issuedAt: new Date(NOW), clientId: 'c', groups: [] };
    },
  };
  const runtime: HttpRuntime = {
    tokens,
    memberships: accounts,
    auditor: new RequestAuditTrail(audit, sequentialIds('rec'), fixedClock()),
    clock: fixedClock(),
    ...(standing ? { subscriptionStanding: standing } : {}),
  };
  return { audit, accounts, runtime: async () => runtime };
}

const lapsed = (value: boolean): SubscriptionStanding & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    async hasLapsed(orgId) {
      asked.push(orgId);
      return value;
    },
  };
};

// The get-me event with its method: the routes below are probed with it.
const event = () => {
  const base = loadEvent('accounts/apigw/get-me.valid.json');
  base.headers = { ...base.headers, Authorization: `Bearer ${TOKEN}` };
  return base;
};
const probe = (route: RouteDefinition): RouteDefinition => ({
  ...route,
  path: accountsRoutes.getMe.path,
  pathParameters: {},
  request: {},
  responses: { 200: { description: 'probe' } },
});

describe('the read-only grace period of a lapsed subscription', () => {
  const gated = probe(accountsRoutes.createUser);

  it('refuses a gated route with 402 subscription_lapsed, runs nothing and records the refusal', async () => {
    const standing = lapsed(true);
    const { audit, runtime } = setup(standing);
    let ran = false;
    const handler = buildHttpHandler(
      gated,
      async () => {
        ran = true;
        return ok({});
      },
      runtime,
    );

    const response = await handler(event(), testContext());

    expect(response.statusCode).toBe(402);
    expect(JSON.parse(response.body).error.code).toBe('subscription_lapsed');
    expect(ran).toBe(false);
    expect(standing.asked).toEqual(['org-a']);
    expect(audit.records[0]).toMatchObject({ orgId: 'org-a', outcome: 4 });
  });

  it('lets a gated route through in good standing', async () => {
    const { runtime } = setup(lapsed(false));
    const handler = buildHttpHandler(gated, async () => ok({ done: true }), runtime);
    expect((await handler(event(), testContext())).statusCode).toBe(200);
  });

  it("reads a known member's standing beside the membership, and uses it only for the organization the membership names", async () => {
    const { runtime, accounts } = setup(undefined);
    const log: string[] = [];
    const lapsedOrgs = new Set(['org-b']);
    const live = await runtime();
    live.subscriptionStanding = {
      async hasLapsed(orgId) {
        log.push(`standing ${orgId}`);
        return lapsedOrgs.has(orgId);
      },
    };
    const getMember = accounts.getMember.bind(accounts);
    live.memberships = Object.assign(Object.create(accounts), {
      getMember: async (userId: string) => {
        log.push('membership');
        return getMember(userId);
      },
    });
    const handler = buildHttpHandler(gated, async () => ok({ done: true }), runtime);

    // First request: the organization is not known yet, so the standing waits for the membership.
    expect((await handler(event(), testContext())).statusCode).toBe(200);
    expect(log.splice(0)).toEqual(['membership', 'standing org-a']);
    // Known now: read beside the membership.
    expect((await handler(event(), testContext())).statusCode).toBe(200);
    expect(log.splice(0)).toEqual(['standing org-a', 'membership']);
    // Moved to a lapsed organization: the standing read ahead (org-a's) is not the one that decides.
    accounts.members.set(ADMIN.userId, { ...ADMIN, orgId: 'org-b' });
    const response = await handler(event(), testContext());
    expect(log).toEqual(['standing org-a', 'membership', 'standing org-b']);
    expect(response.statusCode).toBe(402);
  });

  it('fails closed when a gated route has no way to check the subscription', async () => {
    const { runtime } = setup(undefined);
    const handler = buildHttpHandler(gated, async () => ok({ done: true }), runtime);
    const response = await handler(event(), testContext());
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('dependency_unavailable');
    expect(response.headers?.['retry-after']).toBe('1');
  });

  it('keeps reads, sign-out, disabling users and billing itself available while lapsed', async () => {
    for (const route of [accountsRoutes.getMe, accountsRoutes.signOut, accountsRoutes.disableUser]) {
      const standing = lapsed(true);
      const { runtime } = setup(standing);
      const handler = buildHttpHandler(probe(route), async () => ok({ done: true }), runtime);
      expect((await handler(event(), testContext())).statusCode).toBe(200);
      expect(standing.asked).toEqual([]);
    }
  });

  it('gates only routes that add or change imaging data or users, never a read, export, billing, support or policy route', () => {
    const gatedIds = routes.filter((route) => route.subscriptionGated).map((route) => route.id);
    expect(routes.filter((route) => route.subscriptionGated && route.method === 'GET')).toEqual([]);
    for (const id of gatedIds) {
      const route = routes.find((candidate) => candidate.id === id);
      expect(['imaging', 'accounts']).toContain(route?.context);
    }
    expect(gatedIds).toEqual(expect.arrayContaining(['storeInstances', 'createUploadSession', 'createUser']));
  });
});

describe('DynamoSubscriptionStanding', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamo = mockClient(documents);
  afterEach(() => dynamo.reset());
  const standing = () => new DynamoSubscriptionStanding(documents, 'billing');

  it('reads only the status attribute of the organization item', async () => {
    dynamo.on(GetCommand).resolves({ Item: { status: 'canceled' } });
    expect(await standing().hasLapsed('org-a')).toBe(true);
    const input = dynamo.commandCalls(GetCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Key: { pk: 'ORG#org-a', sk: 'BILLING' },
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    });
  });

  it.each([
    ['unpaid', true],
    ['canceled', true],
    ['incomplete_expired', true],
    ['paused', true],
    ['past_due', false],
    ['active', false],
    ['none', false],
  ])('status %s → lapsed %s', async (status, expected) => {
    dynamo.on(GetCommand).resolves({ Item: { status } });
    expect(await standing().hasLapsed('org-a')).toBe(expected);
  });

  it('an organization that never subscribed is in good standing', async () => {
    dynamo.on(GetCommand).resolves({});
    expect(await standing().hasLapsed('org-a')).toBe(false);
  });

  it('reads the status on every request, so a lapse and a renewal both apply at once', async () => {
    const lookup = standing();
    dynamo.on(GetCommand).resolves({ Item: { status: 'active' } });
    expect(await lookup.hasLapsed('org-a')).toBe(false);
    dynamo.on(GetCommand).resolves({ Item: { status: 'canceled' } });
    expect(await lookup.hasLapsed('org-a')).toBe(true);
    dynamo.on(GetCommand).resolves({ Item: { status: 'active' } });
    expect(await lookup.hasLapsed('org-a')).toBe(false);
  });
});
