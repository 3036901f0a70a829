import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { build } from 'esbuild';
import type { RouteDefinition } from '../../functions/shared/http/route';
import { routes } from '../../functions/shared/routes';
import { ctInstance, testUid } from '../../test/support/dicom-files';
import { peakMemoryMiB, type RunningServer, startOrthanc, startPacscribe } from './servers';

interface Instance {
  study: string;
  series: string;
  sop: string;
  patientId: string;
  bytes: Buffer;
}

interface Client {
  server: RunningServer;
  send(
    method: string,
    url: string,
    options?: { body?: Buffer; headers?: Record<string, string> },
  ): Promise<{ status: number; size: number }>;
}

function client(server: RunningServer, token: string | null, ca: Buffer | null): Client {
  const secure = server.baseUrl.startsWith('https:');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32, ca: ca ?? undefined })
    : new http.Agent({ keepAlive: true, maxSockets: 32 });
  return {
    server,
    send: (method, url, options = {}) =>
      new Promise((resolve, reject) => {
        const request = (secure ? https : http).request(
          `${server.baseUrl}${url}`,
          {
            method,
            agent,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
          },
          (response) => {
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, size }));
          },
        );
        request.on('error', reject);
        if (options.body) request.write(options.body);
        request.end();
      }),
  };
}

const BOUNDARY = 'bench-boundary-7f3a';
const STOW_HEADERS = {
  'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
  accept: 'application/dicom+json',
};
const stowBody = (file: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);

/** Runs `count` calls at the given concurrency; returns each call's latency in ms and the wall time. */
async function load<T>(count: number, concurrency: number, call: (index: number) => Promise<T>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        await call(index);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Row {
  label: string;
  unit: string;
  higherIsBetter: boolean;
  values: Record<string, number>;
}

function expectOk(status: number, what: string) {
  if (status >= 300) throw new Error(`${what} answered ${status}`);
}

async function workloads(c: Client, dataset: Instance[], rows: Map<string, Row>, requests: number) {
  const record = (label: string, unit: string, higherIsBetter: boolean, value: number) => {
    const row = rows.get(label) ?? { label, unit, higherIsBetter, values: {} };
    row.values[c.server.name] = value;
    rows.set(label, row);
  };
  const megabytes = (list: Instance[]) =>
    list.reduce((total, item) => total + item.bytes.length, 0) / 1024 / 1024;
  const serial = dataset.slice(0, 50);
  const parallel = dataset.slice(50);
  const store = async (item: Instance) =>
    expectOk(
      (await c.send('POST', '/studies', { body: stowBody(item.bytes), headers: STOW_HEADERS })).status,
      'STOW',
    );
  const s1 = await load(serial.length, 1, (i) => store(serial[i] as Instance));
  record('STOW c1', 'instances/s', true, serial.length / s1.seconds);
  record('STOW c1 ', 'MB/s', true, megabytes(serial) / s1.seconds);
  const s16 = await load(parallel.length, 16, (i) => store(parallel[i] as Instance));
  record('STOW c16', 'instances/s', true, parallel.length / s16.seconds);
  record('STOW c16 ', 'MB/s', true, megabytes(parallel) / s16.seconds);

  const pick = (i: number) => dataset[(i * 7919) % dataset.length] as Instance;
  const json = { accept: 'application/dicom+json' };
  const queries: [string, (i: number) => string][] = [
    ['QIDO by PatientID', (i) => `/studies?PatientID=${pick(i).patientId}`],
    [
      'QIDO date range',
      (i) =>
        `/studies?StudyDate=2026${String((i % 9) + 1).padStart(2, '0')}01-2026${String((i % 9) + 3).padStart(2, '0')}28&limit=100`,
    ],
    ['QIDO name wildcard', (i) => `/studies?PatientName=Bench^Patient${i % 10}*&limit=100`],
    ['QIDO series of a study', (i) => `/studies/${pick(i).study}/series`],
    ['QIDO instances of a series', (i) => `/studies/${pick(i).study}/series/${pick(i).series}/instances`],
    ['WADO series metadata', (i) => `/studies/${pick(i).study}/series/${pick(i).series}/metadata`],
  ];
  for (const [label, url] of queries) {
    const run = await load(requests, 8, async (i) =>
      expectOk((await c.send('GET', url(i), { headers: json })).status, label),
    );
    record(label, 'p50 ms', false, percentile(run.latencies, 50));
    record(`${label} `, 'p95 ms', false, percentile(run.latencies, 95));
    record(`${label}  `, 'requests/s', true, requests / run.seconds);
  }
  let bytes = 0;
  const wado = await load(requests, 8, async (i) => {
    const item = pick(i);
    const response = await c.send(
      'GET',
      `/studies/${item.study}/series/${item.series}/instances/${item.sop}`,
      {
        headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
      },
    );
    expectOk(response.status, 'WADO instance');
    bytes += response.size;
  });
  record('WADO instance', 'MB/s', true, bytes / 1024 / 1024 / wado.seconds);
  record('WADO instance ', 'p50 ms', false, percentile(wado.latencies, 50));
  record('Peak server memory', 'MiB', false, peakMemoryMiB(c.server.pids()));
}

function dataset(count: number): Instance[] {
  const items: Instance[] = [];
  const perStudy = 20;
  for (let s = 0; s * perStudy < count; s += 1) {
    const study = testUid();
    const series = [testUid(), testUid()];
    const patientId = `BENCH-${String(s).padStart(4, '0')}`;
    const studyDate = `2026${String((s % 12) + 1).padStart(2, '0')}${String((s % 27) + 1).padStart(2, '0')}`;
    for (let i = 0; i < perStudy && items.length < count; i += 1) {
      const sop = testUid();
      items.push({
        study,
        series: series[i % 2] as string,
        sop,
        patientId,
        bytes: ctInstance({
          studyInstanceUid: study,
          seriesInstanceUid: series[i % 2],
          sopInstanceUid: sop,
          patientId,
          patientName: `Bench^Patient${s}`,
          studyDate,
          rows: 512,
          columns: 512,
        }),
      });
    }
  }
  return items;
}

/** Size of each route's Lambda bundle (esbuild, minified, as CDK builds it) and its module initialisation time. */
async function bundles(): Promise<string[]> {
  const root = path.resolve(__dirname, '../..');
  const out = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const lines = ['| function | bundle KiB | init ms |', '|---|---|---|'];
  for (const route of routes as readonly RouteDefinition[]) {
    const file = path.join(out, `${route.id}.cjs`);
    await build({
      entryPoints: [path.join(root, 'functions', `${route.handler}.ts`)],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      outfile: file,
      logLevel: 'silent',
      absWorkingDir: root,
    });
    const init = spawnSync(
      process.execPath,
      [
        '-e',
        `const t=performance.now();require(${JSON.stringify(file)});console.log((performance.now()-t).toFixed(1))`,
      ],
      { encoding: 'utf8' },
    );
    lines.push(
      `| ${route.id} | ${(statSync(file).size / 1024).toFixed(0)} | ${init.stdout.trim() || 'n/a'} |`,
    );
  }
  return lines;
}

async function pacscribeToken(config: {
  users: { email: string; password: string; role: string }[];
  cognito: { endpoint: string; clientId: string };
}) {
  const user = config.users.find((candidate) => candidate.role === 'technologist');
  if (!user) throw new Error('no technologist demo user');
  const cognito = new CognitoIdentityProviderClient({
    endpoint: config.cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.cognito.clientId,
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  cognito.destroy();
  return AuthenticationResult?.AccessToken ?? '';
}

export async function benchDicomweb(options: { instances: number; requests: number }) {
  console.error(`Generating ${options.instances} CT instances (512×512, 16-bit)…`);
  const items = dataset(options.instances);
  const rows = new Map<string, Row>();
  const orthanc = await startOrthanc();
  const pacscribe = await startPacscribe();
  try {
    const token = await pacscribeToken(pacscribe.config);
    for (const c of [
      client(pacscribe, token, readFileSync(pacscribe.config.caCertPath)),
      client(orthanc, null, null),
    ]) {
      console.error(`Running the workload against ${c.server.name}…`);
      await workloads(c, items, rows, options.requests);
    }
  } finally {
    await pacscribe.stop();
    await orthanc.stop();
  }
  const names = [pacscribe.name, orthanc.name];
  const table = [
    `| workload | unit | ${names.join(' | ')} | PACScribe/Orthanc |`,
    '|---|---|---|---|---|',
    ...[...rows.values()].map((row) => {
      const [ours, theirs] = names.map((name) => row.values[name] ?? 0) as [number, number];
      const ratio = theirs > 0 ? ours / theirs : 0;
      const verdict = row.higherIsBetter
        ? ratio >= 1
          ? 'better or equal'
          : 'worse'
        : ratio <= 1
          ? 'better or equal'
          : 'worse';
      return `| ${row.label.trim()} | ${row.unit} | ${ours.toFixed(1)} | ${theirs.toFixed(1)} | ${ratio.toFixed(2)} (${verdict}) |`;
    }),
  ];
  const report = [
    `# DICOMweb benchmark (${new Date().toISOString()})`,
    '',
    `${options.instances} CT instances of 512×512×16 bit (${(items[0]?.bytes.length ?? 0) / 1024} KiB each), one instance per STOW request; ${options.requests} requests per query row at concurrency 8. Both servers on this machine, loopback only; PACScribe's figure includes its local AWS stand-ins (DynamoDB Local, s3rver), which set its ceiling on byte-heavy rows.`,
    '',
    ...table,
    '',
    'Not measured yet: frames and large multi-frame files (PACScribe has no frame retrieval or upload sessions yet).',
    '',
    '## Lambda bundles',
    '',
    ...(await bundles()),
  ].join('\n');
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-dicomweb.md', `${report}\n`);
  console.log(report);
}
