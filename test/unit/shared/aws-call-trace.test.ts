import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  awsCallProfile,
  RECORDED_NAMES,
  recordedInvocations,
  recordedInvocationsFile,
  sequentialRoundTrips,
  startAwsCallTrace,
  tracedInvocation,
} from '../../../scripts/local/aws-call-trace';

describe('sequential round trips of one request (critical path)', () => {
  it('counts calls that follow one another, and overlapping calls once', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    // membership read, then index read and an S3 read together, then the audit write
    expect(
      sequentialRoundTrips([
        { start: 0, end: 5 },
        { start: 6, end: 10 },
        { start: 6, end: 12 },
        { start: 13, end: 20 },
      ]),
    ).toBe(3);
    expect(
      sequentialRoundTrips([
        { start: 0, end: 10 },
        { start: 1, end: 3 },
        { start: 4, end: 6 },
        { start: 7, end: 9 },
      ]),
    ).toBe(3);
    expect(
      sequentialRoundTrips([
        { start: 0, end: 10 },
        { start: 2, end: 8 },
      ]),
    ).toBe(1);
  });
});

describe('which invocations the trace counts', () => {
  let server: http.Server;
  let endpoint: string;
  let dir: string;
  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'aws-call-trace-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  /** One call to the stand-in named by AWS_ENDPOINT_URL_DYNAMODB, as the SDK makes it (node:http). */
  const call = () =>
    new Promise<void>((resolve, reject) => {
      http.get(endpoint, (response) => response.resume().on('end', resolve)).on('error', reject);
    });

  it('counts every invocation unless only marked requests are asked for', async () => {
    const stop = startAwsCallTrace(path.join(dir, 'all.json'), { AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    try {
      await tracedInvocation('every-unmarked', call);
    } finally {
      stop();
    }
    expect(awsCallProfile()['every-unmarked']).toMatchObject({ invocations: 1, calls: 1 });
  });

  it('with PACSCRIBE_TRACE_AWS_CALLS_MARKED, counts only marked requests and leaves others untraced', async () => {
    const stop = startAwsCallTrace(path.join(dir, 'marked.json'), {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PACSCRIBE_TRACE_AWS_CALLS_MARKED: '1',
    });
    try {
      await Promise.all([
        tracedInvocation('only-unmarked', () => Promise.all([call(), call()])),
        tracedInvocation('only-marked', () => Promise.all([call(), call()]).then(call), true),
      ]);
      // After the marked one ends, an unmarked one is still not counted (the storage was let go).
      await tracedInvocation('only-unmarked', call);
    } finally {
      stop();
    }
    const profile = awsCallProfile();
    expect(profile['only-unmarked']).toBeUndefined();
    expect(profile['only-marked']).toMatchObject({ invocations: 1, calls: 3, sequential: 2 });
  });

  it('listens only while a traced invocation runs, so untraced requests pay nothing for the trace', async () => {
    const originalEnd = ClientRequest.prototype.end;
    const listening = () =>
      diagnosticsChannel.hasSubscribers('http.client.request.start') ||
      ClientRequest.prototype.end !== originalEnd;
    const stop = startAwsCallTrace(path.join(dir, 'quiet.json'), {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PACSCRIBE_TRACE_AWS_CALLS_MARKED: '1',
    });
    try {
      expect(listening()).toBe(false);
      await tracedInvocation('quiet-unmarked', async () => {
        expect(listening()).toBe(false);
        await call();
      });
      let during = false;
      await tracedInvocation(
        'quiet-marked',
        async () => {
          during = listening();
          await call();
        },
        true,
      );
      expect(during).toBe(true);
      expect(listening()).toBe(false);
    } finally {
      stop();
    }
    expect(awsCallProfile()['quiet-marked']).toMatchObject({ invocations: 1, calls: 1 });
    expect(listening()).toBe(false);
  });

  /** A DynamoDB-style call: a POST with its operation in X-Amz-Target and its body sent by one `end`. */
  const query = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(`${endpoint}/`, {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.Query' },
      });
      request.on('response', (response) => response.resume().on('end', resolve)).on('error', reject);
      request.end(body);
    });

  it('keeps what a named marked request sent, and nothing of unnamed or unmarked ones', async () => {
    const file = path.join(dir, 'recorded.json');
    const stop = startAwsCallTrace(file, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PACSCRIBE_TRACE_AWS_CALLS_MARKED: '1',
    });
    try {
      await tracedInvocation('search', () => query('{"TableName":"named"}').then(call), true, 'QIDO by name');
      await tracedInvocation('search', () => query('{"TableName":"unnamed"}'), true);
      await tracedInvocation('search', () => query('{"TableName":"unmarked"}'), false, 'QIDO by name');
    } finally {
      stop();
    }
    const recorded = recordedInvocations();
    expect(Object.keys(recorded)).toEqual(['QIDO by name']);
    const [calls] = recorded['QIDO by name'] ?? [];
    expect(calls).toHaveLength(2);
    expect(calls?.[0]).toMatchObject({
      service: 'dynamodb',
      method: 'POST',
      path: '/',
      target: 'DynamoDB_20120810.Query',
      body: '{"TableName":"named"}',
      start: 0,
    });
    // The second call started after the first answered: its times say so, relative to the first's start.
    expect(calls?.[1]).toMatchObject({ method: 'GET', path: '/' });
    expect(calls?.[1]?.start).toBeGreaterThanOrEqual(calls?.[0]?.end ?? Number.NaN);
    expect(calls?.[1]).not.toHaveProperty('body');
    expect(JSON.parse(readFileSync(recordedInvocationsFile(file), 'utf8'))).toEqual(recorded);
  });

  it('keeps a bounded number of names, whatever names requests carry', async () => {
    const stop = startAwsCallTrace(path.join(dir, 'names.json'), {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PACSCRIBE_TRACE_AWS_CALLS_MARKED: '1',
    });
    try {
      for (let n = 0; n < RECORDED_NAMES + 5; n += 1) {
        await tracedInvocation('search', () => query('{}'), true, `name ${n}`);
      }
    } finally {
      stop();
    }
    // The earlier test's name is among them: the bound counts every name kept in this process.
    expect(Object.keys(recordedInvocations())).toHaveLength(RECORDED_NAMES);
    expect(recordedInvocations()['QIDO by name']).toHaveLength(1);
  });
});
