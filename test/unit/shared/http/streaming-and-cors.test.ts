import { accountsRoutes } from '../../../../functions/accounts/routes';
import { RequestAuditTrail } from '../../../../functions/audit/core/request-audit-trail';
import { primed } from '../../../../functions/imaging/core/multipart-writer';
import { imagingRoutes } from '../../../../functions/imaging/routes';
import type { VerifiedToken } from '../../../../functions/shared/auth/principal';
import { NotFoundError } from '../../../../functions/shared/errors';
import {
  type HttpRuntime,
  buildHttpHandler as httpHandler,
} from '../../../../functions/shared/http/http-handler';
import { ok } from '../../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../../functions/shared/http/route';
import type { Member } from '../../../../schemas/accounts/entities';
import { loadEvent, testContext } from '../../../support/events';
import { fixedClock, InMemoryAccounts, InMemoryAuditLog, sequentialIds } from '../../../support/fakes';
import { installLambdaStreamingShim, invokeHttpHandler } from '../../../support/lambda-streaming';

installLambdaStreamingShim();

const NOW = '2026-11-24T12:00:00.000Z';
const VIEWER = 'https://viewer.pacscribe.example';
const CONSOLE = 'https://app.pacscribe.example';

function setup(permissions: Member['permissions'] = ['view']) {
  const accounts = new InMemoryAccounts();
  accounts.members.set('user-rad', {
    userId: 'user-rad',
    orgId: 'org-a',
    email: 'rad@a.example',
    name: 'Riley Radiologist',
    role: 'radiologist',
    professionalRole: 'radiologist',
    permissions,
    status: 'active',
    tokensValidAfter: NOW,
    createdAt: NOW,
    createdBy: 'user-admin',
  });
  const audit = new InMemoryAuditLog();
  const token: VerifiedToken = {
    subject: 'user-rad',
    pool: 'customers',
    issuedAt: new Date(NOW),
    clientId: 'client',
    groups: [],
  };
  const runtime: HttpRuntime = {
    tokens: { verify: async () => token },
    memberships: accounts,
    auditor: new RequestAuditTrail(audit, sequentialIds('rec'), fixedClock(NOW)),
    clock: fixedClock(NOW),
    corsOrigins: { console: CONSOLE, dicomweb: [VIEWER] },
  };
  return { audit, runtime: async () => runtime };
}

const framesEvent = (origin: string | null = VIEWER) => {
  const event = loadEvent('imaging/apigw/retrieve-frames.valid.json');
  if (origin === null) delete event.headers.Origin;
  else event.headers.Origin = origin;
  return event;
};
const streamed = (chunks: string[], fail = false) => ({
  statusCode: 200,
  stream: {
    contentType: 'multipart/related; type="application/octet-stream"; boundary=b',
    body: (async function* () {
      for (const chunk of chunks) yield Buffer.from(chunk);
      if (fail) throw new Error('stored copy changed');
    })(),
  },
});

describe('streaming routes', () => {
  const framesRoute = imagingRoutes.retrieveFrames;

  it('is what the route table marks for streaming: the WADO-RS retrievals, not metadata or search', () => {
    expect(framesRoute.response).toBe('stream');
    expect(imagingRoutes.retrieveInstanceMetadata.response).toBeUndefined();
    expect(imagingRoutes.searchStudies.response).toBeUndefined();
  });

  it('[PP-18] writes the audit record before the first byte is streamed', async () => {
    const { audit, runtime } = setup();
    const recordsWhenStreamingStarted: number[] = [];
    const handler = httpHandler(
      framesRoute,
      async ({ audit: notes }) => {
        notes.objects.push({ type: 'study', id: '1.2.3' });
        return {
          statusCode: 200,
          stream: {
            contentType: 'multipart/related; type="application/octet-stream"; boundary=b',
            body: (async function* () {
              recordsWhenStreamingStarted.push(audit.records.length);
              yield Buffer.from('--b\r\n\r\nframe\r\n--b--\r\n');
            })(),
          },
        };
      },
      runtime,
    );

    const response = await invokeHttpHandler(handler, framesEvent(), testContext());

    expect(recordsWhenStreamingStarted).toEqual([1]);
    expect(audit.records[0]).toMatchObject({ event: 'instances-retrieved', outcome: 0 });
    expect(response).toMatchObject({
      statusCode: 200,
      aborted: false,
      body: '--b\r\n\r\nframe\r\n--b--\r\n',
    });
    expect(response.headers).toMatchObject({
      'content-type': 'multipart/related; type="application/octet-stream"; boundary=b',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('answers a failure before streaming with the usual JSON error, CORS headers included', async () => {
    const { audit, runtime } = setup();
    const handler = httpHandler(
      framesRoute,
      async () => {
        throw new NotFoundError('Instance not found.');
      },
      runtime,
    );

    const response = await invokeHttpHandler(handler, framesEvent(), testContext());

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error.code).toBe('not_found');
    expect(response.headers['access-control-allow-origin']).toBe(VIEWER);
    expect(audit.records[0]).toMatchObject({ httpStatus: 404 });
  });

  it('breaks the transfer when the body fails mid-way, instead of ending it cleanly', async () => {
    const { runtime } = setup();
    const handler = httpHandler(framesRoute, async () => streamed(['--b\r\n\r\nfirst'], true), runtime);

    const response = await invokeHttpHandler(handler, framesEvent(), testContext());

    expect(response.statusCode).toBe(200);
    expect(response.aborted).toBe(true);
    expect(response.body).not.toContain('--b--');
  });

  it('[PP-18] fails closed: when the audit write fails, no body byte is sent and the read is released', async () => {
    const { audit, runtime } = setup();
    audit.failWith = new Error('audit table unavailable');
    let released = false;
    const handler = httpHandler(
      framesRoute,
      async () => ({
        statusCode: 200,
        stream: {
          contentType: 'application/octet-stream',
          // Primed as the WADO-RS handlers do: the first chunk is read before the audit record is written.
          body: await primed(
            (async function* () {
              try {
                yield Buffer.from('PATIENT-PIXELS');
                yield Buffer.from('MORE-PIXELS');
              } finally {
                released = true;
              }
            })(),
          ),
        },
      }),
      runtime,
    );

    const response = await invokeHttpHandler(handler, framesEvent(), testContext());
    await new Promise((resolve) => setImmediate(resolve));

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('audit_unavailable');
    expect(response.body).not.toContain('PIXELS');
    expect(released).toBe(true);
  });
});

describe('CORS on DICOMweb responses', () => {
  const metadataRoute = imagingRoutes.retrieveSeriesMetadata;
  const dicomwebEvent = (origin: string | null) => {
    const event = framesEvent(origin);
    event.resource = metadataRoute.path;
    return event;
  };

  it('names an allowed origin, exposes Warning, Content-Type and Content-Length, and varies by Origin', async () => {
    const { runtime } = setup();
    const handler = httpHandler(metadataRoute, async () => ok([]), runtime);

    const response = await invokeHttpHandler(handler, dicomwebEvent(VIEWER), testContext());

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': VIEWER,
      'access-control-expose-headers': 'Warning, Content-Type, Content-Length',
      vary: 'Origin',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('names no origin that is not configured, and never a wildcard', async () => {
    const { runtime } = setup();
    const handler = httpHandler(metadataRoute, async () => ok([]), runtime);

    for (const origin of ['https://evil.example', 'null', `${VIEWER}.evil.example`, '*']) {
      const response = await invokeHttpHandler(handler, dicomwebEvent(origin), testContext());
      expect({ origin, allowed: response.headers['access-control-allow-origin'] }).toEqual({
        origin,
        allowed: undefined,
      });
      expect(response.headers.vary).toBe('Origin');
    }
    const noOrigin = await invokeHttpHandler(handler, dicomwebEvent(null), testContext());
    expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('carries CORS on refusals too, so a viewer can tell a 403 from a network failure', async () => {
    const { runtime } = setup([]);
    const handler = httpHandler(metadataRoute, async () => ok(['must not leave']), runtime);

    const response = await invokeHttpHandler(handler, dicomwebEvent(VIEWER), testContext());

    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('must not leave');
    expect(response.headers['access-control-allow-origin']).toBe(VIEWER);
  });

  it('names no viewer origin on routes outside /dicomweb: viewers call DICOMweb only', async () => {
    const { runtime } = setup();
    const getMe: RouteDefinition = accountsRoutes.getMe;
    const handler = httpHandler(getMe, async () => ok({}), runtime);
    const event = loadEvent('accounts/apigw/get-me.valid.json');
    event.headers.Origin = VIEWER;

    const response = await invokeHttpHandler(handler, event, testContext());

    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers.vary).toBe('Origin');
  });
});

describe('CORS for the web console', () => {
  const getMeEvent = (origin: string) => {
    const event = loadEvent('accounts/apigw/get-me.valid.json');
    event.headers.Origin = origin;
    return event;
  };

  it('names the console origin on every route, exposing Retry-After and X-Request-Id, without credentials', async () => {
    const { runtime } = setup();
    const handler = httpHandler(accountsRoutes.getMe as RouteDefinition, async () => ok({}), runtime);

    const response = await invokeHttpHandler(handler, getMeEvent(CONSOLE), testContext());

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': CONSOLE,
      'access-control-expose-headers': 'Content-Type, Content-Length, Retry-After, X-Request-Id',
      vary: 'Origin',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it("names the console origin on DICOMweb routes too, with the viewers' exposed headers", async () => {
    const { runtime } = setup();
    const handler = httpHandler(imagingRoutes.retrieveSeriesMetadata, async () => ok([]), runtime);
    const event = framesEvent(CONSOLE);
    event.resource = imagingRoutes.retrieveSeriesMetadata.path;

    const response = await invokeHttpHandler(handler, event, testContext());

    expect(response.headers).toMatchObject({
      'access-control-allow-origin': CONSOLE,
      'access-control-expose-headers': 'Warning, Content-Type, Content-Length',
    });
  });

  it('carries CORS on failures, so the console can show the error rather than a network failure', async () => {
    const { runtime } = setup();
    const handler = httpHandler(
      accountsRoutes.getMe as RouteDefinition,
      async () => {
        throw new Error('store unavailable');
      },
      runtime,
    );

    const response = await invokeHttpHandler(handler, getMeEvent(CONSOLE), testContext());

    expect(response.statusCode).toBe(500);
    expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('names no look-alike of the console origin', async () => {
    const { runtime } = setup();
    const handler = httpHandler(accountsRoutes.getMe as RouteDefinition, async () => ok({}), runtime);
    for (const origin of [
      `${CONSOLE}.evil.example`,
      'http://app.pacscribe.example',
      `${CONSOLE}:8443`,
      '*',
    ]) {
      const response = await invokeHttpHandler(handler, getMeEvent(origin), testContext());
      expect({ origin, allowed: response.headers['access-control-allow-origin'] }).toEqual({
        origin,
        allowed: undefined,
      });
    }
  });
});
