import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accountsRoutes } from '../../../../functions/accounts/routes';
import { RequestAuditTrail } from '../../../../functions/audit/core/request-audit-trail';
import type { OrganizationReader } from '../../../../functions/shared/auth/principal';
import type { TokenVerifier } from '../../../../functions/shared/auth/token-verifier';
import { NotFoundError } from '../../../../functions/shared/errors';
import { buildHttpHandler, type HttpRuntime } from '../../../../functions/shared/http/http-handler';
import { ok } from '../../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../../functions/shared/http/route';
import { loadEvent, testContext } from '../../../support/events';
import {
  clinicianMember,
  fixedClock,
  InMemoryAccounts,
  InMemoryAuditLog,
  sequentialIds,
} from '../../../support/fakes';

const NOW = '2026-11-24T12:00:00.000Z';

const member = clinicianMember;

/** A runtime whose membership reads are logged, so a test can see what ran beside what. */
function setup() {
  const accounts = new InMemoryAccounts();
  const audit = new InMemoryAuditLog();
  const log: string[] = [];
  const memberships = {
    getMember: async (userId: string) => {
      log.push('membership read');
      return accounts.getMember(userId);
    },
    getStaffMember: (staffId: string) => accounts.getStaffMember(staffId),
    acceptInvitation: (userId: string) => accounts.acceptInvitation(userId),
  };
  const tokens: TokenVerifier = {
    verify: async () => ({
      subject: 'user-clin',
      pool: 'customers',
      issuedAt: new Date(NOW),
      clientId: 'client',
      groups: [],
    }),
  };
  const runtime: HttpRuntime = {
    tokens,
    memberships,
    auditor: new RequestAuditTrail(audit, sequentialIds('rec'), fixedClock()),
    clock: fixedClock(),
  };
  return { accounts, audit, log, runtime: async () => runtime };
}

const route: RouteDefinition = {
  ...accountsRoutes.getMe,
  responses: { 200: { description: 'probe' } },
};
const event = (): APIGatewayProxyEvent => loadEvent('accounts/apigw/get-me.valid.json');

/** A handler whose route reads "the organization's records", logging each read with its organization. */
function readingHandler(setupResult: ReturnType<typeof setup>, probe: RouteDefinition = route) {
  const reads: string[] = [];
  const readAhead = async ({ reader }: { reader: OrganizationReader }) => {
    setupResult.log.push(`read ${reader.orgId}`);
    reads.push(reader.orgId);
    return { records: `records of ${reader.orgId}` };
  };
  const handler = buildHttpHandler(
    probe,
    async ({ read }) => ok(await read()),
    setupResult.runtime,
    readAhead,
  );
  return { reads, run: () => handler(event(), testContext()) };
}

describe('the read-ahead: a route’s first read beside the membership read', () => {
  it('reads after authorization for a member not seen before, and beside the membership read after that', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const { run } = readingHandler(context);

    expect((await run()).statusCode).toBe(200);
    expect(context.log).toEqual(['membership read', 'read org-a']);
    context.log.length = 0;
    const response = await run();

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ records: 'records of org-a' });
    // Started before the membership record was read, and read once.
    expect(context.log).toEqual(['read org-a', 'membership read']);
  });

  it('gives the read-ahead and the handler the same body bytes, decoded once', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const bytes = Buffer.from('a body the read-ahead and the handler both read');
    const probe: RouteDefinition = {
      ...route,
      request: {
        rawBody: { mediaType: 'application/octet-stream', description: 'probe' },
        maxBodyBytes: 1024,
      },
    };
    const bodies: Buffer[] = [];
    const handler = buildHttpHandler<RouteDefinition, Record<string, never>>(
      probe,
      async ({ raw, read }) => {
        await read();
        bodies.push(raw.body());
        return ok({});
      },
      context.runtime,
      async ({ raw }) => {
        bodies.push(raw.body());
        return {};
      },
    );
    const withBody = () => ({ ...event(), body: bytes.toString('base64'), isBase64Encoded: true });
    await handler(withBody(), testContext());
    bodies.length = 0;

    // The second request of a member already seen: its read starts beside the membership read.
    expect((await handler(withBody(), testContext())).statusCode).toBe(200);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(bytes);
    expect(bodies[1]).toBe(bodies[0]);
  });

  it('[PP-06] gives a member disabled since their last request exactly the 401 it gave before, and nothing read', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const { run } = readingHandler(context);
    await run();
    context.accounts.members.set('user-clin', member({ status: 'disabled' }));

    const response = await run();

    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('records of');
    expect(context.audit.records.at(-1)).toMatchObject({ event: 'authentication-failed', outcome: 4 });
  });

  it('[PP-06] gives a member without the route’s action a 403 with nothing read, as before', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member({ permissions: ['view', 'export'] }));
    const exporting = { ...route, access: { kind: 'action', action: 'export' } } as const;
    const { run } = readingHandler(context, exporting);
    expect((await run()).statusCode).toBe(200);
    context.accounts.members.set('user-clin', member({ permissions: ['view'] }));

    const response = await run();

    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('records of');
    expect(context.audit.records.at(-1)).toMatchObject({ event: 'access-denied', orgId: 'org-a' });
  });

  it('[PP-18] never hands over a read scoped by another organization than the one the record names', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const { run } = readingHandler(context);
    await run();
    context.accounts.members.set('user-clin', member({ orgId: 'org-b' }));
    context.log.length = 0;

    const response = await run();

    expect(JSON.parse(response.body)).toEqual({ records: 'records of org-b' });
    expect(context.log).toEqual(['read org-a', 'membership read', 'read org-b']);
  });

  it('answers a failed read as the handler’s own read would have failed', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const handler = buildHttpHandler(
      route,
      async ({ read }) => ok(await read()),
      context.runtime,
      async () => {
        throw new NotFoundError('Study not found.');
      },
    );
    await handler(event(), testContext());

    const response = await handler(event(), testContext());

    expect(response.statusCode).toBe(404);
  });
});

describe('what a request holds while its audit record is written', () => {
  it('lets the read-ahead’s result go once the handler has answered, so a large page is not kept to the end', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const runtime = await context.runtime();
    let auditStarted = () => {};
    const started = new Promise<void>((resolve) => {
      auditStarted = resolve;
    });
    let releaseAudit = () => {};
    const released = new Promise<void>((resolve) => {
      releaseAudit = resolve;
    });
    let gating = false;
    const auditor = runtime.auditor;
    const gated: HttpRuntime = {
      ...runtime,
      auditor: {
        record: async (request) => {
          if (gating) {
            auditStarted();
            await released;
          }
          return auditor.record(request);
        },
      },
    };
    let page: WeakRef<object> | undefined;
    const handler = buildHttpHandler(
      route,
      async ({ read }) => ok(await read()),
      async () => gated,
      async () => {
        const studies = { studies: Array.from({ length: 100 }, (_, index) => ({ study: `study-${index}` })) };
        page = new WeakRef(studies);
        return studies;
      },
    );
    // The first request makes the organization known, so the second reads ahead of authorization.
    await handler(event(), testContext());
    gating = true;

    const answering = handler(event(), testContext());
    await started;
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const heldDuringAudit = page?.deref() !== undefined;
    releaseAudit();
    const response = await answering;

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).studies).toHaveLength(100);
    expect(heldDuringAudit).toBe(false);
  });
});

/** A handler that starts its audit record (200) beside its storage reads, then does `rest`. */
function earlyAuditedHandler(context: ReturnType<typeof setup>, rest: () => Promise<ReturnType<typeof ok>>) {
  return buildHttpHandler(
    route,
    async ({ startAuditRecord }) => {
      startAuditRecord(200);
      return rest();
    },
    context.runtime,
  );
}

describe('an audit record started beside the storage reads', () => {
  it('[PP-18] is the one record of the request, and the response waits for it', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const handler = earlyAuditedHandler(context, async () => ok({ data: 'pixels' }));

    const response = await handler(event(), testContext());

    expect(response.statusCode).toBe(200);
    expect(context.audit.records).toHaveLength(1);
    expect(context.audit.records[0]).toMatchObject({ event: 'account-read', outcome: 0 });
  });

  it('[PP-18] fails closed: when it cannot be written, no data leaves and the answer is 503', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    context.audit.failWith = new Error('table unavailable');
    const handler = earlyAuditedHandler(context, async () => ok({ data: 'pixels' }));

    const response = await handler(event(), testContext());

    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('pixels');
  });

  it('[PP-18] is followed by a record of the failure when the storage read then fails', async () => {
    const context = setup();
    context.accounts.members.set('user-clin', member());
    const handler = earlyAuditedHandler(context, async () => {
      throw new NotFoundError('The stored object is missing.');
    });

    const response = await handler(event(), testContext());

    expect(response.statusCode).toBe(404);
    expect(context.audit.records).toHaveLength(2);
    expect(context.audit.records.map((record) => record.outcome)).toEqual([0, 4]);
  });
});
