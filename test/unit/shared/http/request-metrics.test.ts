import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accountsRoutes } from '../../../../functions/accounts/routes';
import { RequestAuditTrail } from '../../../../functions/audit/core/request-audit-trail';
import { imagingRoutes } from '../../../../functions/imaging/routes';
import type { VerifiedToken } from '../../../../functions/shared/auth/principal';
import { RateLimitedError } from '../../../../functions/shared/errors';
import { dicomwebOperationOf } from '../../../../functions/shared/http/dicomweb-operation';
import {
  type HttpRuntime,
  buildHttpHandler as httpHandler,
} from '../../../../functions/shared/http/http-handler';
import { ok } from '../../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../../functions/shared/http/route';
import { routes } from '../../../../functions/shared/routes';
import type { Member } from '../../../../schemas/accounts/entities';
import { DICOMWEB_OPERATIONS } from '../../../../schemas/shared/metrics';
import { loadEvent, testContext } from '../../../support/events';
import { fixedClock, InMemoryAccounts, InMemoryAuditLog, sequentialIds } from '../../../support/fakes';
import { installLambdaStreamingShim, invokeHttpHandler } from '../../../support/lambda-streaming';

installLambdaStreamingShim();

const NOW = '2026-11-24T12:00:00.000Z';

/** One embedded-metric-format document, as CloudWatch reads it from the function's stdout. */
interface EmfDocument {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** Captures what the functions write to stdout while metrics are on, and returns the EMF documents. */
function captureMetrics() {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(chunk.toString());
    return true;
  });
  return {
    documents: (): EmfDocument[] =>
      lines
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as EmfDocument),
    restore: () => write.mockRestore(),
  };
}

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
  };
  return { audit, runtime: async () => runtime };
}

const probing = <R extends RouteDefinition>(route: R) => ({
  ...route,
  responses: { 200: { description: 'probe' }, 201: { description: 'probe' } },
});

/** A frames retrieval that streams one small part, as the route's handler does. */
const framesHandler = (runtime: Parameters<typeof httpHandler>[2]) =>
  httpHandler(
    imagingRoutes.retrieveFrames,
    async () => ({
      statusCode: 200,
      stream: {
        contentType: 'multipart/related; type="application/octet-stream"; boundary=b',
        body: (async function* () {
          yield Buffer.from('--b\r\n\r\nframe\r\n--b--\r\n');
        })(),
      },
    }),
    runtime,
  );

/** Every value a dimension carries in a document (dimension names come from its dimension sets). */
const dimensionValues = (document: EmfDocument) => {
  const names = new Set(document._aws.CloudWatchMetrics.flatMap((entry) => entry.Dimensions.flat()));
  return [...names].map((name) => String(document[name]));
};

describe('request metrics', () => {
  let capture: ReturnType<typeof captureMetrics>;
  const metricsSwitch = process.env.POWERTOOLS_METRICS_DISABLED;
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME;

  beforeEach(() => {
    // The unit project silences metrics (test/support/quiet-logs.ts); these tests read them.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_SERVICE_NAME = 'pacscribe-test';
    capture = captureMetrics();
  });
  afterEach(() => {
    capture.restore();
    process.env.POWERTOOLS_METRICS_DISABLED = metricsSwitch;
    if (serviceName === undefined) delete process.env.POWERTOOLS_SERVICE_NAME;
    else process.env.POWERTOOLS_SERVICE_NAME = serviceName;
  });

  it('publishes one document per request: latency, count and outcome by route, and API-wide totals', async () => {
    const { runtime } = setup();
    const handler = httpHandler(probing(accountsRoutes.getMe), async () => ok({ name: 'Riley' }), runtime);

    const response = await handler(loadEvent('accounts/apigw/get-me.valid.json'), testContext());

    expect(response.statusCode).toBe(200);
    const [document, totals, ...others] = capture.documents();
    expect(others).toEqual([]);
    const [definition] = document?._aws.CloudWatchMetrics ?? [];
    expect(definition?.Namespace).toBe('PACScribe');
    // Service + route for the detail, the service for per-context views; no dimension for the alarms.
    expect(definition?.Dimensions).toEqual([['service', 'Route'], ['service']]);
    expect(totals?._aws.CloudWatchMetrics[0]?.Namespace).toBe('PACScribe');
    expect(totals?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[]]);
    expect(totals).toMatchObject({ Requests: 1, ServerErrors: 0, AuditWriteFailures: 0 });
    expect(totals).not.toHaveProperty('Route');
    expect(document).toMatchObject({
      service: 'pacscribe-test',
      Route: 'getMe',
      Requests: 1,
      ClientErrors: 0,
      ServerErrors: 0,
      Throttled: 0,
      AuditWriteFailures: 0,
    });
    expect(document?.Latency).toEqual(expect.any(Number));
    expect(definition?.Metrics).toContainEqual({ Name: 'Latency', Unit: 'Milliseconds' });
  });

  it('counts a failed audit write, which fails the request closed with 503', async () => {
    const { audit, runtime } = setup();
    audit.failWith = new Error('table unavailable');
    const handler = httpHandler(probing(accountsRoutes.getMe), async () => ok({ name: 'Riley' }), runtime);

    const response = await handler(loadEvent('accounts/apigw/get-me.valid.json'), testContext());

    expect(response.statusCode).toBe(503);
    const outcome = { AuditWriteFailures: 1, ServerErrors: 1, ClientErrors: 0 };
    expect(capture.documents()).toEqual([
      expect.objectContaining({ Route: 'getMe', ...outcome }),
      expect.objectContaining(outcome),
    ]);
  });

  it('counts a 429 answer as throttled and as a client error', async () => {
    const { runtime } = setup();
    const handler = httpHandler(
      probing(accountsRoutes.getMe),
      async () => {
        throw new RateLimitedError('Too many requests; retry later.');
      },
      runtime,
    );

    const response = await handler(loadEvent('accounts/apigw/get-me.valid.json'), testContext());

    expect(response.statusCode).toBe(429);
    const outcome = { Throttled: 1, ClientErrors: 1, ServerErrors: 0, AuditWriteFailures: 0 };
    expect(capture.documents()).toEqual([expect.objectContaining(outcome), expect.objectContaining(outcome)]);
  });

  it('measures a streamed DICOMweb retrieval by route and operation, with no path parameter value in any dimension', async () => {
    const { runtime } = setup();
    const event: APIGatewayProxyEvent = loadEvent('imaging/apigw/retrieve-frames.valid.json');
    const handler = framesHandler(runtime);

    const response = await invokeHttpHandler(handler, event, testContext());

    expect(response.statusCode).toBe(200);
    const documents = capture.documents();
    expect(documents.map((document) => document._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([
      [['service', 'Route', 'Operation'], ['service']],
      [[], ['Operation']],
    ]);
    expect(documents[0]).toMatchObject({
      Route: 'retrieveFrames',
      Operation: 'WADO',
      Requests: 1,
      ServerErrors: 0,
    });
    expect(documents[1]).toMatchObject({ Operation: 'WADO', Requests: 1 });
    const parameterValues = Object.values(event.pathParameters ?? {}).filter((value) => value !== undefined);
    expect(parameterValues.length).toBeGreaterThan(0);
    for (const document of documents) {
      for (const value of dimensionValues(document)) {
        for (const parameter of parameterValues) expect(value).not.toContain(parameter);
        expect(value).not.toContain('/');
      }
      // Nothing else of the request rides along as a property of the document either.
      const serialized = JSON.stringify(document);
      for (const parameter of parameterValues) expect(serialized).not.toContain(parameter);
    }
  });

  it("carries nothing of one request into the next: the instances are shared, each request's dimensions are not", async () => {
    const { runtime } = setup();
    const frames = framesHandler(runtime);
    const me = httpHandler(probing(accountsRoutes.getMe), async () => ok({ name: 'Riley' }), runtime);

    await invokeHttpHandler(frames, loadEvent('imaging/apigw/retrieve-frames.valid.json'), testContext());
    await me(loadEvent('accounts/apigw/get-me.valid.json'), testContext());
    await me(loadEvent('accounts/apigw/get-me.valid.json'), testContext());

    const documents = capture.documents();
    expect(documents.map((document) => document._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([
      [['service', 'Route', 'Operation'], ['service']],
      [[], ['Operation']],
      [['service', 'Route'], ['service']],
      [[]],
      [['service', 'Route'], ['service']],
      [[]],
    ]);
    for (const document of documents.slice(2)) {
      expect(document).not.toHaveProperty('Operation');
      expect(document).toMatchObject({ Requests: 1 });
    }
    expect(documents[2]).toMatchObject({ Route: 'getMe' });
  });

  it('publishes nothing when POWERTOOLS_METRICS_DISABLED is set, as the local stack does', async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { runtime } = setup();
    const handler = httpHandler(probing(accountsRoutes.getMe), async () => ok({ name: 'Riley' }), runtime);

    await handler(loadEvent('accounts/apigw/get-me.valid.json'), testContext());

    expect(capture.documents()).toEqual([]);
  });
});

describe('the DICOMweb operation of a route', () => {
  it('names the kind of work from the method and path template', () => {
    expect(dicomwebOperationOf(imagingRoutes.storeInstances)).toBe('STOW');
    expect(dicomwebOperationOf(imagingRoutes.storeInstancesInStudy)).toBe('STOW');
    expect(dicomwebOperationOf(imagingRoutes.createUploadSession)).toBe('upload');
    expect(dicomwebOperationOf(imagingRoutes.getUploadSession)).toBe('upload');
    expect(dicomwebOperationOf(imagingRoutes.searchStudies)).toBe('QIDO');
    expect(dicomwebOperationOf(imagingRoutes.searchInstances)).toBe('QIDO');
    expect(dicomwebOperationOf(imagingRoutes.retrieveStudy)).toBe('WADO');
    expect(dicomwebOperationOf(imagingRoutes.retrieveFrames)).toBe('WADO');
    expect(dicomwebOperationOf(imagingRoutes.retrieveBulkData)).toBe('WADO');
    expect(dicomwebOperationOf(imagingRoutes.retrieveSeriesMetadata)).toBe('metadata');
    expect(dicomwebOperationOf(imagingRoutes.retrieveRenderedFrames)).toBe('rendered');
    expect(dicomwebOperationOf(imagingRoutes.retrieveStudyThumbnail)).toBe('thumbnail');
    expect(dicomwebOperationOf(imagingRoutes.deleteStudy)).toBe('delete');
    expect(dicomwebOperationOf(accountsRoutes.getMe)).toBeNull();
  });

  it('gives every DICOMweb route of the table an operation, and no other route one', () => {
    for (const route of routes as readonly RouteDefinition[]) {
      const operation = dicomwebOperationOf(route);
      if (route.path.startsWith('/dicomweb/')) expect(DICOMWEB_OPERATIONS).toContain(operation);
      else expect(operation).toBeNull();
    }
  });
});
