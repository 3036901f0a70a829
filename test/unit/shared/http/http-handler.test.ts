import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { QuotaDecision } from '../../../../functions/accounts/core/request-quota';
import { accountsRoutes } from '../../../../functions/accounts/routes';
import { RequestAuditTrail } from '../../../../functions/audit/core/request-audit-trail';
import { auditRoutes } from '../../../../functions/audit/routes';
import type { VerifiedToken } from '../../../../functions/shared/auth/principal';
import type { TokenVerifier } from '../../../../functions/shared/auth/token-verifier';
import { UnauthenticatedError } from '../../../../functions/shared/errors';
import {
  type HttpRuntime,
  buildHttpHandler as httpHandler,
} from '../../../../functions/shared/http/http-handler';
import { created, ok } from '../../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../../functions/shared/http/route';
import type { StaffMember } from '../../../../schemas/accounts/staff';
import { loadEvent, testContext } from '../../../support/events';
import {
  clinicianMember,
  fixedClock,
  InMemoryAccounts,
  InMemoryAuditLog,
  sequentialIds,
} from '../../../support/fakes';

const NOW = '2026-11-24T12:00:00.000Z';
const TOKEN = 'eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl';

const member = clinicianMember;

function setup(token: Partial<VerifiedToken> = {}) {
  const accounts = new InMemoryAccounts();
  const audit = new InMemoryAuditLog();
  const tokens: TokenVerifier = {
    async verify(presented) {
      if (presented !== TOKEN) throw new UnauthenticatedError('bad token');
      return {
        subject: 'user-clin',
        pool: 'customers',
        issuedAt: new Date(NOW),
        clientId: 'client',
        groups: [],
        ...token,
      } as VerifiedToken;
    },
  };
  const runtime: HttpRuntime = {
    tokens,
    memberships: accounts,
    auditor: new RequestAuditTrail(audit, sequentialIds('rec'), fixedClock()),
    clock: fixedClock(),
  };
  return { accounts, audit, runtime: async () => runtime };
}

const run = (handler: ReturnType<typeof httpHandler>, event: APIGatewayProxyEvent) =>
  handler(event, testContext());

const body = (response: { body: string }) => JSON.parse(response.body);

const probing = <R extends RouteDefinition>(route: R) => ({
  ...route,
  responses: { 200: { description: 'probe' }, 201: { description: 'probe' } },
});

describe('the HTTP middleware stack', () => {
  // The real routes' access rules and schemas, with an untyped body so each test can answer what it probes.
  const getMeRoute = probing(accountsRoutes.getMe);

  it('[PP-18] refuses a request without a token with 401 and audits the attempt', async () => {
    const { audit, runtime } = setup();
    const event = loadEvent('accounts/apigw/get-me.valid.json');
    delete event.headers.Authorization;
    const handler = httpHandler(getMeRoute, async () => ok({ secret: true }), runtime);

    const response = await run(handler, event);

    expect(response.statusCode).toBe(401);
    expect(body(response).error.code).toBe('unauthenticated');
    expect(response.headers?.['www-authenticate']).toBe('Bearer');
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ event: 'authentication-failed', outcome: 4, orgId: 'system' });
  });

  it('[PP-18] takes the principal and organization from the membership record, not the token or body', async () => {
    const { accounts, audit, runtime } = setup();
    accounts.members.set('user-clin', member());
    const seen: unknown[] = [];
    const handler = httpHandler(
      getMeRoute,
      async ({ principal }) => {
        seen.push(principal);
        return ok({});
      },
      runtime,
    );

    const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

    expect(response.statusCode).toBe(200);
    expect(seen[0]).toMatchObject({
      kind: 'customer',
      userId: 'user-clin',
      orgId: 'org-a',
      role: 'clinician',
    });
    expect(audit.records[0]).toMatchObject({
      event: 'account-read',
      orgId: 'org-a',
      outcome: 0,
      action: 'R',
      actor: { kind: 'customer', userId: 'user-clin', role: 'clinician' },
      source: { ip: '198.51.100.23' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      route: 'GET /v1/me',
    });
  });

  it('[PP-06] refuses a disabled member at once, whatever their token says', async () => {
    const { accounts, runtime } = setup();
    accounts.members.set('user-clin', member({ status: 'disabled' }));
    const handler = httpHandler(getMeRoute, async () => ok({}), runtime);

    expect((await run(handler, loadEvent('accounts/apigw/get-me.valid.json'))).statusCode).toBe(401);
  });

  it('[PP-18] refuses a token issued before the member signed out everywhere', async () => {
    const { accounts, runtime } = setup();
    accounts.members.set('user-clin', member({ tokensValidAfter: '2026-11-24T12:00:05.000Z' }));
    const handler = httpHandler(getMeRoute, async () => ok({}), runtime);

    expect((await run(handler, loadEvent('accounts/apigw/get-me.valid.json'))).statusCode).toBe(401);
  });

  it('[PP-18] refuses a support-staff token on a customer route', async () => {
    const { accounts, runtime } = setup({ pool: 'support' });
    accounts.members.set('user-clin', member());
    const handler = httpHandler(getMeRoute, async () => ok({}), runtime);

    expect((await run(handler, loadEvent('accounts/apigw/get-me.valid.json'))).statusCode).toBe(401);
  });

  it('[PP-06] denies by default: a member without the route action gets 403 and a security alert record', async () => {
    const { accounts, audit, runtime } = setup();
    accounts.members.set('user-clin', member({ permissions: ['view'] }));
    const exportRoute: RouteDefinition = {
      ...getMeRoute,
      id: 'probe',
      access: { kind: 'action', action: 'export' },
    };
    const handler = httpHandler(exportRoute, async () => ok({ data: 'must not leave' }), runtime);

    const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('must not leave');
    expect(audit.records[0]).toMatchObject({ event: 'access-denied', orgId: 'org-a', outcome: 4 });
  });

  it('[PP-18] fails closed: when the audit write fails, no data leaves and the answer is 503', async () => {
    const { accounts, audit, runtime } = setup();
    accounts.members.set('user-clin', member());
    audit.failWith = new Error('table unavailable');
    const handler = httpHandler(getMeRoute, async () => ok({ name: 'Casey Clinician' }), runtime);

    const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

    expect(response.statusCode).toBe(503);
    expect(body(response).error.code).toBe('audit_unavailable');
    expect(response.body).not.toContain('Casey');
  });

  describe("an organization's request allowance", () => {
    function withQuota(decision: QuotaDecision) {
      const context = setup();
      context.accounts.members.set('user-clin', member());
      const asked: string[] = [];
      const runtime = async (): Promise<HttpRuntime> => ({
        ...(await context.runtime()),
        organizationQuota: {
          admit: (orgId, routeClass) => {
            asked.push(`${orgId} ${routeClass}`);
            return decision;
          },
        },
      });
      return { ...context, runtime, asked };
    }

    it("refuses a request over the allowance of the member's organization with 429 and Retry-After, audited, the handler never run", async () => {
      const { audit, runtime, asked } = withQuota({ admitted: false, retryAfterSeconds: 17 });
      let ran = false;
      const handler = httpHandler(
        getMeRoute,
        async () => {
          ran = true;
          return ok({});
        },
        runtime,
      );

      const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

      expect(response.statusCode).toBe(429);
      expect(response.headers?.['retry-after']).toBe('17');
      expect(body(response).error.code).toBe('rate_limited');
      expect(ran).toBe(false);
      // The organization is the membership record's, never one the request names.
      expect(asked).toEqual(['org-a api']);
      expect(audit.records[0]).toMatchObject({ event: 'account-read', orgId: 'org-a' });
    });

    it('writes the audit record beside a slow count report, and settles the report before the response leaves', async () => {
      let settled = false;
      let auditedWhenSettled = -1;
      let records: unknown[] = [];
      const report = new Promise<void>((resolve) =>
        setTimeout(() => {
          settled = true;
          auditedWhenSettled = records.length;
          resolve();
        }, 20),
      );
      const { runtime, audit } = withQuota({ admitted: true, report });
      records = audit.records;
      const handler = httpHandler(getMeRoute, async () => ok({}), runtime);

      const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

      expect(response.statusCode).toBe(200);
      expect(settled).toBe(true);
      // The record did not wait for the report: it was written while the report was still out.
      expect(auditedWhenSettled).toBe(1);
    });

    it('counts nothing before the caller is known: a request without a token is refused as before', async () => {
      const { runtime, asked } = withQuota({ admitted: false, retryAfterSeconds: 5 });
      const event = loadEvent('accounts/apigw/get-me.valid.json');
      delete event.headers.Authorization;
      const handler = httpHandler(getMeRoute, async () => ok({}), runtime);

      expect((await run(handler, event)).statusCode).toBe(401);
      expect(asked).toEqual([]);
    });
  });

  describe('request bodies', () => {
    const signupRoute = probing(accountsRoutes.signup);
    const handlerFor = (runtime: () => Promise<HttpRuntime>, calls: unknown[]) =>
      httpHandler(
        signupRoute,
        async ({ body: parsed }) => {
          calls.push(parsed);
          return created({});
        },
        runtime,
      );

    it('[PP-01] accepts a valid sign-up body and passes it on typed and normalised', async () => {
      const { runtime } = setup();
      const calls: unknown[] = [];
      const event = loadEvent('accounts/apigw/signup.valid.json');
      event.body = (event.body ?? '').replace(
        'dana.reyes@northside.example',
        '  Dana.Reyes@Northside.Example ',
      );

      const response = await run(handlerFor(runtime, calls), event);

      expect(response.statusCode).toBe(201);
      expect(calls[0]).toMatchObject({ email: 'dana.reyes@northside.example', role: 'radiologist' });
    });

    it.each([
      ['missing fields', { name: 'Dana' }, 'invalid_request'],
      ['an invalid email', { email: 'not-an-email' }, 'invalid_request'],
      ['an unknown role', { role: 'surgeon' }, 'invalid_request'],
      ['the support role', { role: 'support' }, 'invalid_request'],
      ['a server-owned orgId', { orgId: 'org-b' }, 'invalid_request'],
      ['granted permissions', { permissions: ['manage-users'] }, 'invalid_request'],
      ['a prototype key', JSON.parse('{"__proto__": {"isAdmin": true}}'), 'invalid_request'],
      [
        'a password (chosen at verification, never kept while pending)',
        { password: 'Correct-Horse-42-Battery' },
        'invalid_request',
      ],
      ['a control character in a name', { name: 'Dana\u0007' }, 'invalid_request'],
    ])('[PP-01] refuses %s with 400 and writes nothing', async (_label, change, code) => {
      const { runtime } = setup();
      const calls: unknown[] = [];
      const event = loadEvent('accounts/apigw/signup.valid.json');
      const valid = JSON.parse(event.body ?? '{}');
      event.body =
        _label === 'missing fields' ? JSON.stringify(change) : JSON.stringify({ ...valid, ...change });
      if (_label === 'a prototype key')
        event.body = event.body.replace('{', '{"__proto__":{"isAdmin":true},');

      const response = await run(handlerFor(runtime, calls), event);

      expect(response.statusCode).toBe(400);
      expect(body(response).error.code).toBe(code);
      expect(calls).toHaveLength(0);
    });

    it('refuses malformed JSON with 400 invalid_json', async () => {
      const { runtime } = setup();
      const event = loadEvent('accounts/apigw/signup.valid.json');
      event.body = '{"name": "Dana",';

      const response = await run(handlerFor(runtime, []), event);

      expect(response.statusCode).toBe(400);
      expect(body(response).error.code).toBe('invalid_json');
    });

    it('refuses a body over the route limit with 413 before parsing it', async () => {
      const { runtime } = setup();
      const event = loadEvent('accounts/apigw/signup.valid.json');
      event.body = `{"name":"${'x'.repeat(1024 * 1024)}"}`;

      const response = await run(handlerFor(runtime, []), event);

      expect(response.statusCode).toBe(413);
      expect(body(response).error.code).toBe('payload_too_large');
    });

    it("decodes a binary body once and lets the event's base64 copy go, so a large upload is not held twice", async () => {
      const { accounts, runtime } = setup();
      accounts.members.set('user-clin', member());
      const route = {
        ...getMeRoute,
        request: {
          rawBody: { mediaType: 'application/octet-stream', description: 'probe' },
          maxBodyBytes: 1024,
        },
      };
      const bytes = Buffer.from(Array.from({ length: 600 }, (_unused, index) => index % 251));
      const event = {
        ...loadEvent('accounts/apigw/get-me.valid.json'),
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      };
      const seen: { first: Buffer; second: Buffer; left: string | null }[] = [];
      const handler = httpHandler(
        route,
        async ({ raw }) => {
          const first = raw.body();
          seen.push({ first, second: raw.body(), left: event.body });
          return ok({});
        },
        runtime,
      );

      expect((await run(handler, event)).statusCode).toBe(200);
      expect(seen[0]?.first).toEqual(bytes);
      expect(seen[0]?.second).toBe(seen[0]?.first);
      expect(seen[0]?.left).toBeNull();
    });

    it('refuses other content types and compressed bodies with 415', async () => {
      const { runtime } = setup();
      const wrongType = loadEvent('accounts/apigw/signup.valid.json');
      wrongType.headers['Content-Type'] = 'text/plain';
      const gzipped = loadEvent('accounts/apigw/signup.valid.json');
      gzipped.headers['Content-Encoding'] = 'gzip';

      expect((await run(handlerFor(runtime, []), wrongType)).statusCode).toBe(415);
      expect((await run(handlerFor(runtime, []), gzipped)).statusCode).toBe(415);
    });
  });

  it("tells the handler what is left of the invocation's time, from Lambda's context", async () => {
    const { accounts, runtime } = setup();
    accounts.members.set('user-clin', member());
    const left: number[] = [];
    const handler = httpHandler(
      getMeRoute,
      async ({ remainingTimeMs }) => {
        left.push(remainingTimeMs());
        return ok({});
      },
      runtime,
    );
    let remaining = 7_000;
    const context = { ...testContext(), getRemainingTimeInMillis: () => (remaining -= 1_000) };

    await handler(loadEvent('accounts/apigw/get-me.valid.json'), context);

    expect(left).toEqual([6_000]);
  });

  it('answers an unexpected failure with a 500 that reveals nothing', async () => {
    const { accounts, runtime } = setup();
    accounts.members.set('user-clin', member());
    const handler = httpHandler(
      getMeRoute,
      async () => {
        throw new Error(
          'ddb table pacscribe-accounts-7f3 at arn:aws:dynamodb:us-east-1:1111:table/x exploded',
        );
      },
      runtime,
    );

    const response = await run(handler, loadEvent('accounts/apigw/get-me.valid.json'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/arn:|pacscribe-accounts|exploded/);
    expect(body(response).error).toMatchObject({ code: 'internal_error', requestId: expect.any(String) });
  });
});

describe('PACScribe staff requests', () => {
  // The real compliance route: its access rule (group, target organization from ?orgId) and query schema.
  const complianceRoute = probing(auditRoutes.queryAuditEventsAcrossOrganizations);
  const STAFF_ID = 'staff-1';
  const staffRecord = (overrides: Partial<StaffMember> = {}): StaffMember => ({
    staffId: STAFF_ID,
    email: 'reviewer@pacscribe.example',
    name: 'Rene Reviewer',
    groups: ['compliance-reviewer'],
    status: 'active',
    tokensValidAfter: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'ops',
    ...overrides,
  });
  const staffToken = (overrides: Partial<VerifiedToken> = {}) =>
    setup({ subject: STAFF_ID, pool: 'support', groups: ['compliance-reviewer'], ...overrides });
  const complianceEvent = (orgId = 'org-x') => {
    const event = loadEvent('accounts/apigw/get-me.valid.json');
    event.path = '/v1/workforce/audit-events';
    event.resource = '/v1/workforce/audit-events';
    event.queryStringParameters = { orgId, reason: 'Quarterly HIPAA access review' };
    event.multiValueQueryStringParameters = { orgId: [orgId], reason: ['Quarterly HIPAA access review'] };
    return event;
  };
  const handlerOf = (runtime: () => Promise<HttpRuntime>) =>
    httpHandler(complianceRoute, async () => ok({ events: [] }), runtime);

  it('[PP-09] admits an active staff member, by the groups of their staff record', async () => {
    // The token carries no group at all: the record, not the token, is authoritative.
    const { accounts, audit, runtime } = staffToken({ groups: [] });
    accounts.staff.set(STAFF_ID, staffRecord());

    const response = await run(handlerOf(runtime), complianceEvent());

    expect(response.statusCode).toBe(200);
    expect(audit.records[0]).toMatchObject({
      orgId: 'org-x',
      actor: { kind: 'support', userId: STAFF_ID, role: 'compliance-reviewer' },
    });
  });

  it('[PP-09] refuses a disabled staff member’s still-valid token at once, in the trail of the organization it targeted', async () => {
    const { accounts, audit, runtime } = staffToken();
    accounts.staff.set(STAFF_ID, staffRecord({ status: 'disabled' }));
    let ran = false;
    const handler = httpHandler(
      complianceRoute,
      async () => {
        ran = true;
        return ok({});
      },
      runtime,
    );

    const response = await run(handler, complianceEvent());

    expect(response.statusCode).toBe(401);
    expect(ran).toBe(false);
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({
      event: 'authentication-failed',
      outcome: 4,
      orgId: 'org-x',
      actor: { kind: 'support', userId: STAFF_ID },
    });
  });

  it('[PP-09] refuses staff without a record, and tokens issued before their record’s cut-off', async () => {
    const missing = staffToken();
    const cutOff = staffToken();
    cutOff.accounts.staff.set(STAFF_ID, staffRecord({ tokensValidAfter: '2026-11-24T12:00:01.000Z' }));

    expect((await run(handlerOf(missing.runtime), complianceEvent())).statusCode).toBe(401);
    expect((await run(handlerOf(cutOff.runtime), complianceEvent())).statusCode).toBe(401);
    expect([...missing.audit.records, ...cutOff.audit.records].map((record) => record.orgId)).toEqual([
      'org-x',
      'org-x',
    ]);
  });

  it('[PP-09] refuses a group the record does not give, whatever the token says, in the targeted organization’s trail', async () => {
    const { accounts, audit, runtime } = staffToken({ groups: ['compliance-reviewer'] });
    accounts.staff.set(STAFF_ID, staffRecord({ groups: ['support-engineer'] }));

    const response = await run(handlerOf(runtime), complianceEvent());

    expect(response.statusCode).toBe(403);
    expect(audit.records[0]).toMatchObject({
      event: 'access-denied',
      orgId: 'org-x',
      actor: { kind: 'support', userId: STAFF_ID, role: 'support-engineer' },
    });
  });

  it('[PP-18] names no organization from a malformed target, an unverified token or a customer token', async () => {
    const malformed = staffToken();
    const customer = setup();
    customer.accounts.members.set('user-clin', member());
    const unverified = setup();
    const noToken = complianceEvent();
    noToken.headers.Authorization = 'Bearer not-the-token';

    await run(handlerOf(malformed.runtime), complianceEvent('../org x'));
    await run(handlerOf(customer.runtime), complianceEvent());
    await run(handlerOf(unverified.runtime), noToken);

    expect(malformed.audit.records[0]).toMatchObject({ orgId: 'system', actor: { kind: 'support' } });
    expect(customer.audit.records[0]).toMatchObject({ orgId: 'system', httpStatus: 401 });
    expect(unverified.audit.records[0]).toMatchObject({ orgId: 'system', actor: { kind: 'anonymous' } });
  });
});
