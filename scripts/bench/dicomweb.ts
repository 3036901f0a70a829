import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import {
  type RenderOptions,
  renderOptions,
  thumbnailOptions,
} from '../../functions/imaging/core/rendering/render-options';
import { ctInstance, multiFrameInstance, testUid } from '../../test/support/dicom-files';
import {
  type HandlerCallProfile,
  RECORD_HEADER,
  RECORDED_PER_NAME,
  type RecordedInvocations,
  recordedInvocationsFile,
  TRACE_HEADER,
} from '../local/aws-call-trace';
import { deployedHandlers, measureFunctions, measurementTable } from './functions';
import { gatewayCeilingPath, startGatewayCeiling } from './gateway-ceiling';
import { archiverModelLines, latencyModelTable } from './latency-model';
import { median, type PairedFigure, pairedDifference, pairedRatio, rotated } from './paired-rounds';
import {
  cpuMeter,
  localArchiverHold,
  localDynamoDbPid,
  localS3Pid,
  localSignIn,
  peakMemoryByProcess,
  peakMemoryMiB,
  type RunningServer,
  resetPeakMemory,
  residentMemoryMiB,
  startOrthanc,
  startPacscribe,
} from './servers';
import { type RowRecipe, SERIES_ROW, STOW_ROW, standInRecipes } from './stand-in-ceiling';

export interface Instance {
  study: string;
  series: string;
  sop: string;
  patientId: string;
  bytes: Buffer;
}

export interface Client {
  server: RunningServer;
  /** How files above the synchronous STOW limit are stored: PACScribe uses upload sessions. */
  largeUploads: 'stow' | 'upload-session';
  send(
    method: string,
    url: string,
    options?: {
      body?: Buffer;
      headers?: Record<string, string>;
      keepBody?: boolean;
      /** Sending it twice does what sending it once does (a STOW of one instance): retried as a GET is. */
      idempotent?: boolean;
    },
  ): Promise<{ status: number; size: number; body: Buffer }>;
}

export function client(
  server: RunningServer,
  token: string | null,
  ca: Buffer | null,
  largeUploads: Client['largeUploads'],
  /** Sent with every request, e.g. the local stack's trace mark. */
  headers: Record<string, string> = {},
): Client {
  const secure = server.baseUrl.startsWith('https:');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32, ca: ca ?? undefined })
    : new http.Agent({ keepAlive: true, maxSockets: 32 });
  return {
    server,
    largeUploads,
    send: (method, url, options = {}) => {
      const attempt = (retried: boolean): Promise<{ status: number; size: number; body: Buffer }> =>
        new Promise((resolve, reject) => {
          const request = (secure ? https : http).request(
            `${server.baseUrl}${url}`,
            {
              method,
              agent,
              headers: {
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                ...headers,
                ...options.headers,
              },
            },
            (response) => {
              let size = 0;
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => {
                size += chunk.length;
                if (options.keepBody) chunks.push(chunk);
              });
              response.on('end', () =>
                resolve({ status: response.statusCode ?? 0, size, body: Buffer.concat(chunks) }),
              );
            },
          );
          request.on('error', (error: NodeJS.ErrnoException) => {
            // A kept-alive socket the server closed as the request went out (Node's documented race):
            // a GET, or a request marked idempotent, is sent once more. Anything else, and a second
            // failure, fails the run.
            const repeatable = method === 'GET' || options.idempotent === true;
            if (!retried && request.reusedSocket && error.code === 'ECONNRESET' && repeatable) {
              attempt(true).then(resolve, reject);
              return;
            }
            reject(
              new Error(`${server.name}: ${method} ${url.split('?')[0]}: ${error.message}`, { cause: error }),
            );
          });
          if (options.body) request.write(options.body);
          request.end();
        });
      return attempt(false);
    },
  };
}

const BOUNDARY = 'bench-boundary-7f3a';
export const STOW_HEADERS = {
  'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
  accept: 'application/dicom+json',
};
export const stowBody = (file: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);

/** Runs `count` calls at the given concurrency; returns each call's latency in ms and the wall time. */
export async function load<T>(count: number, concurrency: number, call: (index: number) => Promise<T>) {
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

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Row {
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** Each run's figure, by server: read rows run several times, interleaved between the servers. */
  values: Record<string, number[]>;
}

type Record_ = (label: string, unit: string, higherIsBetter: boolean, value: number) => void;

function recorder(rows: Map<string, Row>, name: string): Record_ {
  return (label, unit, higherIsBetter, value) => {
    const row = rows.get(label) ?? { label, unit, higherIsBetter, values: {} };
    row.values[name] = [...(row.values[name] ?? []), value];
    rows.set(label, row);
  };
}

const spread = (values: readonly number[] | undefined) =>
  values && values.length > 1 ? `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}` : '—';

export function expectOk(status: number, what: string) {
  if (status >= 300) throw new Error(`${what} answered ${status}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One large file through PACScribe's upload session: presigned part PUTs straight to object storage,
 * completion, then polling until the asynchronous ingest has stored it.
 */
async function storeThroughUploadSession(c: Client, file: Buffer) {
  const created = await c.send('POST', '/upload-sessions', {
    body: Buffer.from(JSON.stringify({ totalBytes: file.length, contentType: 'application/dicom' })),
    headers: { 'content-type': 'application/json' },
    keepBody: true,
  });
  expectOk(created.status, 'upload session');
  const session = JSON.parse(created.body.toString('utf8')) as {
    sessionId: string;
    upload: { partSizeBytes: number; parts: { partNumber: number; sizeBytes: number; url: string }[] };
  };
  const parts = await Promise.all(
    session.upload.parts.map(async (part) => {
      const start = (part.partNumber - 1) * session.upload.partSizeBytes;
      const response = await fetch(part.url, {
        method: 'PUT',
        body: file.subarray(start, start + part.sizeBytes),
      });
      if (!response.ok) throw new Error(`part PUT answered ${response.status}`);
      return { partNumber: part.partNumber, etag: response.headers.get('etag') ?? '' };
    }),
  );
  const completed = await c.send('POST', `/upload-sessions/${session.sessionId}/complete`, {
    body: Buffer.from(JSON.stringify({ parts })),
    headers: { 'content-type': 'application/json' },
  });
  expectOk(completed.status, 'upload completion');
  for (;;) {
    const status = await c.send('GET', `/upload-sessions/${session.sessionId}`, { keepBody: true });
    const view = JSON.parse(status.body.toString('utf8')) as { status: string };
    if (view.status === 'completed') return;
    if (view.status !== 'ingesting') throw new Error(`upload session ended ${view.status}`);
    await sleep(50);
  }
}

/** Large multi-frame files: stored one at a time, then single frames read from them at random. */
async function largeFileWorkloads(
  c: Client,
  files: Instance[],
  record: (label: string, unit: string, higherIsBetter: boolean, value: number) => void,
  requests: number,
) {
  const stored = await load(files.length, 1, async (i) => {
    const item = files[i] as Instance;
    if (c.largeUploads === 'upload-session') await storeThroughUploadSession(c, item.bytes);
    else
      expectOk(
        (await c.send('POST', '/studies', { body: stowBody(item.bytes), headers: STOW_HEADERS })).status,
        'STOW large',
      );
  });
  const megabytes = files.reduce((total, item) => total + item.bytes.length, 0) / 1024 / 1024;
  record(
    `Store ${files.length} multi-frame files (${LARGE_FRAMES} frames)`,
    'MB/s',
    true,
    megabytes / stored.seconds,
  );
  const frames = await load(requests, 8, async (i) => {
    const item = files[i % files.length] as Instance;
    const frame = ((i * 37) % LARGE_FRAMES) + 1;
    const response = await c.send(
      'GET',
      `/studies/${item.study}/series/${item.series}/instances/${item.sop}/frames/${frame}`,
      { headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } },
    );
    expectOk(response.status, 'WADO frame of a multi-frame file');
  });
  record('WADO frame of a multi-frame file', 'p50 ms', false, percentile(frames.latencies, 50));
  record('WADO frame of a multi-frame file  ', 'requests/s', true, requests / frames.seconds);

  // Every frame of one large file rendered, the server's peak memory measured over that phase alone.
  const largest = files.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
  const pids = c.server.pids();
  // The whole run's peak so far, before it is reset for the rendering phase.
  record('Peak server memory', 'MiB', false, peakMemoryMiB(pids));
  const peakByProcess = peakMemoryByProcess(pids);
  resetPeakMemory(pids);
  // The whole server (PACScribe: with its Java DynamoDB Local and the other stand-ins) before rendering,
  // so the peak below reads as this resident size plus what rendering added.
  record(
    'Server memory before rendering the largest multi-frame file',
    'MiB',
    false,
    residentMemoryMiB(pids),
  );
  const renders = await load(LARGE_FRAMES, 4, async (i) => {
    const response = await c.send(
      'GET',
      `/studies/${largest.study}/series/${largest.series}/instances/${largest.sop}/frames/${i + 1}/rendered`,
      { headers: { accept: 'image/png' } },
    );
    expectOk(response.status, 'rendered frame of a multi-frame file');
  });
  record(
    `Rendered PNG, each frame of the largest multi-frame file`,
    'p50 ms',
    false,
    percentile(renders.latencies, 50),
  );
  record(
    'Peak server memory while rendering the largest multi-frame file',
    'MiB',
    false,
    peakMemoryMiB(pids),
  );
  return { peakByProcess };
}

/**
 * Loads the data set the read rows use, once per server: STOW c1 is timed here (the first 50 instances,
 * one at a time); the rest go in at concurrency 16, untimed, as STOW c16 is timed in the rounds.
 */
async function storeWorkloads(c: Client, dataset: Instance[], record: Record_, sizes?: ResponseSizes) {
  const serial = dataset.slice(0, 50);
  let bytes = 0;
  const stored = await load(serial.length, 1, async (i) => {
    const sent = await stowInstance(c, serial[i] as Instance, sizes);
    bytes += sent;
  });
  record('STOW c1', 'instances/s', true, serial.length / stored.seconds);
  record('STOW c1 ', 'MB/s', true, bytes / 1024 / 1024 / stored.seconds);
  const rest = dataset.slice(50);
  await load(rest.length, 16, (i) => stowInstance(c, rest[i] as Instance, sizes));
}

/** One instance in one STOW request; returns the request body's bytes. */
async function stowInstance(c: Client, item: Instance, sizes?: ResponseSizes) {
  const body = stowBody(item.bytes);
  // An instance stored again is acknowledged, not stored twice (PACScribe and Orthanc alike).
  const response = await c.send('POST', '/studies', { body, headers: STOW_HEADERS, idempotent: true });
  expectOk(response.status, 'STOW');
  noteSize(sizes, STOW_ROW, response.size);
  return body.length;
}

/**
 * STOW c16 as a row of the rounds: each run stores instances made for it just before (studies of 20
 * instances in two series, as the data set's; new UIDs every run), so every request is a new instance's,
 * for patients of their own (roundStudyFacts).
 */
export function stowRow(c: Client, sizes?: ResponseSizes): RowRun {
  return async (record, requests) => {
    // Made before the clock starts, whatever the count (above PREPARED_INSTANCES a data set's are lazy).
    const fresh = dataset(requests, roundStudyFacts).map((item) => ({ ...item }));
    // Making them held the event loop for seconds: the sockets' news (a server's close) is heard first.
    await new Promise((resolve) => setImmediate(resolve));
    let bytes = 0;
    const run = await load(fresh.length, 16, async (i) => {
      // Added once the request is done: `bytes += await …` would add to the total read before the await.
      const sent = await stowInstance(c, fresh[i] as Instance, sizes);
      bytes += sent;
    });
    record(STOW_ROW, 'instances/s', true, fresh.length / run.seconds);
    record(`${STOW_ROW} `, 'MB/s', true, bytes / 1024 / 1024 / run.seconds);
    return fresh.length;
  };
}

/** A participant's rows in the order they run: the read rows, then STOW c16. */
const withStow = (rows: Map<string, RowRun>, stow: RowRun) => new Map([...rows, [STOW_ROW, stow]]);

/** Response bytes by row label: the gateway ceiling answers each row with as many as PACScribe. */
type ResponseSizes = Map<string, number[]>;
const noteSize = (sizes: ResponseSizes | undefined, label: string, size: number) => {
  if (!sizes) return;
  const values = sizes.get(label);
  if (values) values.push(size);
  else sizes.set(label, [size]);
};
const meanSize = (sizes: ResponseSizes, label: string) => {
  const values = sizes.get(label) ?? [];
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
};

/**
 * One read row against one participant: runs `requests` requests (fewer for a warm-up), records, and
 * returns how many requests it made (the series row makes fewer).
 */
type RowRun = (record: Record_, requests: number) => Promise<number>;

/** Read rows by label, in the order they run; each round runs every participant's row back to back. */
function readRows(c: Client, dataset: Instance[], sizes?: ResponseSizes): Map<string, RowRun> {
  const pick = (i: number) => dataset[(i * 7919) % dataset.length] as Instance;
  const json = { accept: 'application/dicom+json' };
  const multipart = { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' };
  const rows = new Map<string, RowRun>();
  const queries: [string, (i: number) => string][] = [
    ['QIDO by PatientID', (i) => `/studies?PatientID=${pick(i).patientId}`],
    [
      'QIDO date range',
      (i) => `/studies?StudyDate=${dateRangeOf(i).from}-${dateRangeOf(i).to}&limit=${SEARCH_LIMIT}`,
    ],
    ['QIDO name wildcard', (i) => `/studies?PatientName=${nameStartOf(i)}*&limit=${SEARCH_LIMIT}`],
    ['QIDO series of a study', (i) => `/studies/${pick(i).study}/series`],
    ['QIDO instances of a series', (i) => `/studies/${pick(i).study}/series/${pick(i).series}/instances`],
    ['WADO series metadata', (i) => `/studies/${pick(i).study}/series/${pick(i).series}/metadata`],
  ];
  /** A row of GETs at concurrency 8: its p50 (and p95) and requests/s. */
  const getRow =
    (label: string, path: (i: number) => string, headers: Record<string, string>, p95: boolean): RowRun =>
    async (record, requests) => {
      const run = await load(requests, 8, async (i) => {
        const response = await c.send('GET', path(i), { headers });
        expectOk(response.status, label);
        noteSize(sizes, label, response.size);
      });
      record(label, 'p50 ms', false, percentile(run.latencies, 50));
      if (p95) record(`${label} `, 'p95 ms', false, percentile(run.latencies, 95));
      record(`${label}  `, 'requests/s', true, requests / run.seconds);
      return requests;
    };
  for (const [label, url] of queries) rows.set(label, getRow(label, url, json, true));
  rows.set('WADO instance', async (record, requests) => {
    let bytes = 0;
    const wado = await load(requests, 8, async (i) => {
      const item = pick(i);
      const response = await c.send(
        'GET',
        `/studies/${item.study}/series/${item.series}/instances/${item.sop}`,
        { headers: multipart },
      );
      expectOk(response.status, 'WADO instance');
      bytes += response.size;
      noteSize(sizes, 'WADO instance', response.size);
    });
    record('WADO instance', 'MB/s', true, bytes / 1024 / 1024 / wado.seconds);
    record('WADO instance ', 'p50 ms', false, percentile(wado.latencies, 50));
    return requests;
  });
  rows.set('WADO series (10 instances)', async (record, requests) => {
    const seriesRequests = SERIES_ROW.requests(requests);
    let seriesBytes = 0;
    const series = await load(seriesRequests, SERIES_ROW.concurrency, async (i) => {
      const item = pick(i);
      const response = await c.send('GET', `/studies/${item.study}/series/${item.series}`, {
        headers: multipart,
      });
      expectOk(response.status, 'WADO series');
      seriesBytes += response.size;
    });
    record('WADO series (10 instances)', 'MB/s', true, seriesBytes / 1024 / 1024 / series.seconds);
    record('WADO series (10 instances) ', 'p50 ms', false, percentile(series.latencies, 50));
    return seriesRequests;
  });
  const perRequest: [string, (item: Instance) => string, Record<string, string>][] = [
    [
      'WADO instance metadata',
      (item) => `/studies/${item.study}/series/${item.series}/instances/${item.sop}/metadata`,
      json,
    ],
    [
      'WADO frame (native)',
      (item) => `/studies/${item.study}/series/${item.series}/instances/${item.sop}/frames/1`,
      { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
    ],
  ];
  for (const [label, url, headers] of perRequest) {
    rows.set(
      label,
      getRow(label, (i) => url(pick(i)), headers, false),
    );
  }
  // Rendered frames and thumbnails. Orthanc's DICOMweb plugin has no /thumbnail: its row is /rendered
  // with the same 128×128 viewport PACScribe's thumbnails use.
  const instancePath = (item: Instance) =>
    `/studies/${item.study}/series/${item.series}/instances/${item.sop}`;
  const rendered: Record<RenderedRow, [(item: Instance) => string, string]> = {
    'Rendered frame (JPEG)': [(item) => `${instancePath(item)}/frames/1/rendered`, 'image/jpeg'],
    'Rendered frame (PNG)': [(item) => `${instancePath(item)}/frames/1/rendered`, 'image/png'],
    'Thumbnail (JPEG, 128×128)': [
      (item) =>
        c.server.name.startsWith('Orthanc')
          ? `${instancePath(item)}/rendered?viewport=128,128`
          : `${instancePath(item)}/thumbnail`,
      'image/jpeg',
    ],
  };
  for (const label of RENDERED_ROWS) {
    const [url, accept] = rendered[label];
    rows.set(
      label,
      getRow(label, (i) => url(pick(i)), { accept }, true),
    );
  }
  return rows;
}

/**
 * Rows whose answer is an image made from the frame PACScribe reads: the gateway ceiling reads the frame
 * as PACScribe does and renders it with the options PACScribe's route gives these requests.
 */
const RENDERED_ROWS = ['Rendered frame (JPEG)', 'Rendered frame (PNG)', 'Thumbnail (JPEG, 128×128)'] as const;
type RenderedRow = (typeof RENDERED_ROWS)[number];
export const RENDERED_OPTIONS: Record<RenderedRow, RenderOptions> = {
  'Rendered frame (JPEG)': renderOptions({}, 'image/jpeg'),
  'Rendered frame (PNG)': renderOptions({}, 'image/png'),
  'Thumbnail (JPEG, 128×128)': thumbnailOptions(renderOptions({}, 'image/jpeg')),
};
const isRendered = (label: string): label is RenderedRow =>
  (RENDERED_ROWS as readonly string[]).includes(label);

/** CPU milliseconds per request, by row, participant and process, one figure per round. */
type CpuByRow = Map<string, Map<string, Record<string, number[]>>>;

function noteCpu(cpu: CpuByRow, label: string, participant: string, perRequest: Record<string, number>) {
  const byParticipant = cpu.get(label) ?? new Map<string, Record<string, number[]>>();
  const byProcess = byParticipant.get(participant) ?? {};
  for (const [process, ms] of Object.entries(perRequest))
    byProcess[process] = [...(byProcess[process] ?? []), ms];
  byParticipant.set(participant, byProcess);
  cpu.set(label, byParticipant);
}

/**
 * PACScribe's stack process against the gateway ceiling's server, row by row: both serve the same
 * requests with the same stand-in calls, so what the stack spends above the server is PACScribe's own.
 */
function cpuTable(cpu: CpuByRow, pacscribe: string, gateway: string): string[] {
  const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(2)}`;
  const figure = (values: readonly number[] | undefined) =>
    values?.length ? `${median(values).toFixed(2)} (${spread(values)})` : '—';
  return [
    "| row | the stack's Node process | the gateway server | the stack above the server, per round | DynamoDB Local: under PACScribe; under the gateway ceiling | s3rver: under PACScribe; under the gateway ceiling |",
    '|---|---|---|---|---|---|',
    ...[...cpu.entries()].map(([label, byParticipant]) => {
      const ours = byParticipant.get(pacscribe) ?? {};
      const theirs = byParticipant.get(gateway) ?? {};
      const above = pairedDifference(ours.serving ?? [], theirs.serving ?? []);
      const difference = above
        ? `${signed(above.median)} (${signed(above.min)} to ${signed(above.max)})`
        : '—';
      const standIn = (name: string) =>
        ours[name]?.some((ms) => ms > 0) || theirs[name]?.some((ms) => ms > 0)
          ? `${figure(ours[name])}; ${figure(theirs[name])}`
          : '—';
      return `| ${label} | ${figure(ours.serving)} | ${figure(theirs.serving)} | ${difference} | ${standIn('dynamodb')} | ${standIn('s3')} |`;
    }),
  ];
}

/** Records a ceiling's run of a row under the row's stand-in labels, in the row's own units. */
function recordCeiling(
  record: Record_,
  label: string,
  run: { latencies: number[]; seconds: number },
  count: number,
  objectMegabytes: number | null,
) {
  record(`${label} (stand-ins)`, 'requests/s', true, count / run.seconds);
  record(`${label} (stand-ins) p50`, 'p50 ms', false, percentile(run.latencies, 50));
  if (objectMegabytes !== null)
    record(`${label} (stand-ins) `, 'MB/s', true, (count * objectMegabytes) / run.seconds);
}

/**
 * The stand-ins' ceiling of each read row, at the row's concurrency and request count (stand-in-ceiling.ts),
 * in the row's own unit: requests/s, or MB/s of the object for WADO instance.
 */
function ceilingRows(recipes: Record<string, RowRecipe>, objectMegabytes: number): Map<string, RowRun> {
  const rows = new Map<string, RowRun>();
  for (const [label, { recipe, objects, load: shape }] of Object.entries(recipes)) {
    if (label === STOW_ROW) {
      rows.set(label, async (record, requests) => {
        const run = await load(requests, 16, recipe);
        record(STOW_ROW, 'instances/s', true, requests / run.seconds);
        return requests;
      });
      continue;
    }
    rows.set(label, async (record, requests) => {
      const count = shape?.requests(requests) ?? requests;
      const run = await load(count, shape?.concurrency ?? 8, recipe);
      recordCeiling(record, label, run, count, objects ? objects * objectMegabytes : null);
      return count;
    });
  }
  return rows;
}

/**
 * The same rows against the stand-ins plus the gateway's HTTPS hop (gateway-ceiling.ts): the bench's
 * client asks a bare HTTPS server, which runs the row's stand-in operations and answers with as many
 * bytes as PACScribe did on average. Recorded under the same labels as the plain ceiling.
 */
function gatewayRows(
  gateway: Client,
  recipes: Record<string, RowRecipe>,
  sizes: ResponseSizes,
  stowObject: Buffer,
): Map<string, RowRun> {
  const objectMegabytes = stowObject.length / 1024 / 1024;
  const rows = new Map<string, RowRun>();
  for (const [label, { objects, load: shape }] of Object.entries(recipes)) {
    if (label === STOW_ROW) {
      // The gateway server runs STOW's recipe on the request; the client sends a STOW body of the same size.
      rows.set(label, async (record, requests) => {
        const body = stowBody(stowObject);
        const run = await load(requests, 16, async (i) =>
          expectOk(
            (
              await gateway.send('POST', gatewayCeilingPath(label, i, meanSize(sizes, label)), {
                body,
                headers: STOW_HEADERS,
                // A second run of the recipe writes one more set of copies, as a second request would.
                idempotent: true,
              })
            ).status,
            `${label} (gateway ceiling)`,
          ),
        );
        record(STOW_ROW, 'instances/s', true, requests / run.seconds);
        return requests;
      });
      continue;
    }
    rows.set(label, async (record, requests) => {
      // Rows that stream objects send them from storage; rendered rows render the frame they read; the
      // rest answer with PACScribe's mean size.
      const render = isRendered(label) ? { render: RENDERED_OPTIONS[label] } : undefined;
      const bytes = objects || render ? 0 : meanSize(sizes, label);
      const count = shape?.requests(requests) ?? requests;
      const path = (i: number) => gatewayCeilingPath(label, i, bytes, render ?? 'stream-objects');
      const run = await load(count, shape?.concurrency ?? 8, async (i) =>
        expectOk((await gateway.send('GET', path(i))).status, label),
      );
      recordCeiling(record, label, run, count, objects ? objects * objectMegabytes : null);
      return count;
    });
  }
  return rows;
}

/**
 * Each read row once more, as many requests as the stack keeps per name (so the ceiling's keys spread over
 * the data set nearly as the timed rows' do), marked for the local stack's AWS call trace and recorded
 * under the row's label: the calls they make are counted, and the stand-in ceiling sends the very same
 * requests. Each row first runs a few unmarked requests, so what is recorded is a warm function's path
 * (a function instance's first request by a member reads their membership before anything else:
 * known-organizations.ts), as the timed rows run it. The timed rows run untraced (aws-call-trace.ts).
 */
async function recordingPass(
  unmarked: Client,
  recording: (label: string) => Client,
  items: Instance[],
  recordedFile: string,
) {
  const ignore: Record_ = () => {};
  const made = new Map<string, number>();
  for (const [label, warm] of readRows(unmarked, items)) {
    await warm(ignore, WARM_UP_REQUESTS / 2);
    made.set(label, (await readRows(recording(label), items).get(label)?.(ignore, RECORDED_PER_NAME)) ?? 0);
  }
  return recordingsOf(recordedFile, made);
}

/** The stack's recordings once it has written `made` (requests by name); it writes them every second. */
export async function recordingsOf(
  recordedFile: string,
  made: ReadonlyMap<string, number>,
): Promise<RecordedInvocations> {
  for (let waited = 0; ; waited += 250) {
    const recorded = existsSync(recordedFile)
      ? (JSON.parse(readFileSync(recordedFile, 'utf8')) as RecordedInvocations)
      : {};
    if ([...made].every(([label, count]) => (recorded[label]?.length ?? 0) >= count)) return recorded;
    if (waited > 10_000) throw new Error(`the stack did not record every read row in ${recordedFile}`);
    await sleep(250);
  }
}

/**
 * The store routes, a few requests each, marked for the local stack's AWS call trace (the read and
 * rendering routes' were counted in the recording pass).
 */
async function tracedPass(traced: Client) {
  const study = testUid();
  const series = testUid();
  const files = Array.from({ length: TRACED_REQUESTS }, () =>
    ctInstance({
      studyInstanceUid: study,
      seriesInstanceUid: series,
      sopInstanceUid: testUid(),
      patientId: 'BENCH-TRACED',
      rows: 512,
      columns: 512,
    }),
  );
  await load(files.length, 4, async (i) => {
    const response = await traced.send('POST', '/studies', {
      body: stowBody(files[i] as Buffer),
      headers: STOW_HEADERS,
    });
    expectOk(response.status, 'STOW (traced)');
  });
  const [large] = largeDataset();
  if (large) await storeThroughUploadSession(traced, large.bytes);
}
const TRACED_REQUESTS = 20;
/** Requests per row of the untimed warm-up round. */
const WARM_UP_REQUESTS = 40;

/** Frames per large file: 512×512×16 bit, so each file is LARGE_FRAMES / 2 MiB. */
const LARGE_FRAMES = 64;
const LARGE_FILES = 3;

function largeDataset(): Instance[] {
  return Array.from({ length: LARGE_FILES }, (_, index) => {
    const study = testUid();
    const series = testUid();
    const sop = testUid();
    const patientId = `BENCH-LARGE-${index}`;
    return {
      study,
      series,
      sop,
      patientId,
      bytes: multiFrameInstance({
        studyInstanceUid: study,
        seriesInstanceUid: series,
        sopInstanceUid: sop,
        patientId,
        patientName: `Bench^Large${index}`,
        rows: 512,
        columns: 512,
        frames: LARGE_FRAMES,
      }),
    };
  });
}

const PER_STUDY = 20;
/** The data set's s-th study. */
const studyFacts = (s: number) => ({
  patientId: `BENCH-${String(s).padStart(4, '0')}`,
  patientName: `Bench^Patient${s}`,
  studyDate: `2026${String((s % 12) + 1).padStart(2, '0')}${String((s % 27) + 1).padStart(2, '0')}`,
});
/**
 * The s-th study STOW c16 stores in the rounds: patients, names and a date none of the read rows' searches
 * match, so what the rounds add leaves the read rows' answers as they were.
 */
export const roundStudyFacts = (s: number) => ({
  patientId: `BENCH-STOW-${String(s).padStart(4, '0')}`,
  patientName: `Stow^Patient${s}`,
  studyDate: '20250615',
});
/** The date range and the name pattern's start of the i-th search, and the results each asks for. */
const SEARCH_LIMIT = 100;
const dateRangeOf = (i: number) => ({
  from: `2026${String((i % 9) + 1).padStart(2, '0')}01`,
  to: `2026${String((i % 9) + 3).padStart(2, '0')}28`,
});
const nameStartOf = (i: number) => `Bench^Patient${i % 10}`;

/** Up to this many instances the files are made before any timing (1 GB); above, as they are stored. */
export const PREPARED_INSTANCES = 4_000;

/**
 * The CT data set: 20 instances per study in two series. Up to PREPARED_INSTANCES the files are made
 * up front; above, each is made when read and not kept (20,000 instances would hold 10 GB), so the STOW
 * rows then include the client's making of each file and are not comparable with smaller runs.
 */
export function dataset(count: number, facts: typeof studyFacts = studyFacts): Instance[] {
  const items: Instance[] = [];
  for (let s = 0; s * PER_STUDY < count; s += 1) {
    const study = testUid();
    const series = [testUid(), testUid()];
    const { patientId, patientName, studyDate } = facts(s);
    for (let i = 0; i < PER_STUDY && items.length < count; i += 1) {
      const sop = testUid();
      const seriesUid = series[i % 2] as string;
      const make = () =>
        ctInstance({
          studyInstanceUid: study,
          seriesInstanceUid: seriesUid,
          sopInstanceUid: sop,
          patientId,
          patientName,
          studyDate,
          rows: 512,
          columns: 512,
        });
      const item = { study, series: seriesUid, sop, patientId } as Instance;
      items.push(
        count <= PREPARED_INSTANCES
          ? Object.assign(item, { bytes: make() })
          : Object.defineProperty(item, 'bytes', { enumerable: true, get: make }),
      );
    }
  }
  return items;
}

/** Size of each route's Lambda bundle (esbuild, minified, as CDK builds it) and its module initialisation time. */
/** Each deployed function's bundle size, init time and RSS, measured as `npm run bench -- functions` does. */
async function bundles(): Promise<string[]> {
  return measurementTable(await measureFunctions(deployedHandlers()));
}

function awsCallTable(file: string): string[] {
  if (!existsSync(file)) return ['(no profile written)'];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, HandlerCallProfile>;
  return [
    '| route | requests | AWS calls | sequential (mean / min / max) | by service |',
    '|---|---|---|---|---|',
    ...Object.entries(profile)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, entry]) =>
          `| ${route} | ${entry.invocations} | ${entry.calls} | ${entry.sequential} / ${entry.minSequential} / ${entry.maxSequential} | ${Object.entries(
            entry.byService,
          )
            .map(([service, calls]) => `${service} ${calls}`)
            .join(', ')} |`,
      ),
  ];
}

function measuredMinSequential(file: string): Record<string, number> {
  if (!existsSync(file)) return {};
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, HandlerCallProfile>;
  return Object.fromEntries(Object.entries(profile).map(([route, entry]) => [route, entry.minSequential]));
}

export async function pacscribeToken(config: {
  users: { email: string; password: string; role: string }[];
  cognito: { endpoint: string; clientId: string };
}) {
  const user = config.users.find((candidate) => candidate.role === 'technologist');
  if (!user) throw new Error('no technologist demo user');
  return localSignIn(config.cognito, user);
}

/** What the local archiver (the audit witness) cost, held apart from the timed phases. */
function archiverLine(usage: { cpuSeconds: number; catchUpSeconds: number }): string {
  return `The audit witness (the archiver's stand-in; a function of its own in AWS) was held still (SIGSTOP) during every timed phase of every server and ceiling, and caught up before each: ${usage.catchUpSeconds.toFixed(1)} s of waiting in all, ${usage.cpuSeconds.toFixed(1)} CPU seconds of its own for the whole run (it archives one record per audited PACScribe request, and reads past the ceilings' copies in the same stream; \`npm run bench -- profile\` reports its CPU per request).`;
}

export async function benchDicomweb(options: { instances: number; requests: number; repeats: number }) {
  console.error(`Generating ${options.instances} CT instances (512×512, 16-bit)…`);
  const items = dataset(options.instances);
  const large = largeDataset();
  const rows = new Map<string, Row>();
  const orthanc = await startOrthanc();
  const pacscribe = await startPacscribe();
  const archiver = localArchiverHold(pacscribe.pids);
  const objectBytes = items[0]?.bytes ?? Buffer.alloc(0);
  const CEILING = 'Stand-in ceiling';
  const GATEWAY = 'Stand-ins + gateway hop';
  const sizes: ResponseSizes = new Map();
  let standIns: Awaited<ReturnType<typeof standInRecipes>> | undefined;
  let gatewayServer: RunningServer | undefined;
  let archiverUsage = { cpuSeconds: 0, catchUpSeconds: 0 };
  let pacscribePeakByProcess: { process: string; mib: number }[] = [];
  const cpuByRow: CpuByRow = new Map();
  try {
    const token = await pacscribeToken(pacscribe.config);
    const ca = readFileSync(pacscribe.config.caCertPath);
    const pacscribeClient = client(pacscribe, token, ca, 'upload-session');
    const orthancClient = client(orthanc, null, null, 'stow');
    const clients = [pacscribeClient, orthancClient];
    for (const c of clients) {
      console.error(`Storing the data set in ${c.server.name}…`);
      await archiver.quiet(() =>
        storeWorkloads(c, items, recorder(rows, c.server.name), c.server === pacscribe ? sizes : undefined),
      );
    }
    console.error('Recording the stand-in requests of each read row: a pass marked for the trace…');
    const recorded = await recordingPass(
      pacscribeClient,
      (label) =>
        client(pacscribe, token, ca, 'upload-session', { [TRACE_HEADER]: '1', [RECORD_HEADER]: label }),
      items,
      recordedInvocationsFile(pacscribe.awsCallProfile),
    );
    // After the data set is stored and recorded: STOW's recipe copies a membership and an audit record
    // the stack wrote; the read rows replay what was recorded.
    standIns = await standInRecipes(pacscribe.config, objectBytes, recorded);
    gatewayServer = await startGatewayCeiling({
      standIns: pacscribe.config,
      certPath: pacscribe.config.caCertPath,
      object: objectBytes,
      recordedPath: recordedInvocationsFile(pacscribe.awsCallProfile),
    });
    // The same bearer token as PACScribe's requests, so the hop carries as many bytes in.
    const gateway = client(gatewayServer, token, ca, 'stow');
    // Rounds of every read row (rendering included) and of STOW c16, each row run against every participant
    // back to back (seconds apart), so that drift on this machine (the JIT, compaction, the VM's
    // neighbours) falls on both sides of each comparison and a row near 1.0 is not decided by noise; who
    // runs first rotates by round.
    // The process that serves PACScribe's rows and the one that serves the gateway ceiling's make the same
    // stand-in calls for a row; their CPU per request, beside the stand-ins', is PACScribe's own cost.
    const stackPids = pacscribe.pids();
    const standInPids = { dynamodb: localDynamoDbPid(stackPids), s3: localS3Pid(stackPids) };
    const participants: { name: string; rows: Map<string, RowRun>; serving?: number }[] = [
      {
        name: pacscribe.name,
        rows: withStow(readRows(pacscribeClient, items, sizes), stowRow(pacscribeClient, sizes)),
        serving: stackPids[0],
      },
      { name: orthanc.name, rows: withStow(readRows(orthancClient, items), stowRow(orthancClient)) },
      { name: CEILING, rows: ceilingRows(standIns.recipes, objectBytes.length / 1024 / 1024) },
      {
        name: GATEWAY,
        rows: gatewayRows(gateway, standIns.recipes, sizes, objectBytes),
        serving: gatewayServer.pids()[0],
      },
    ];
    const labels = [...(participants[0]?.rows.keys() ?? [])];
    // An untimed round first, in the timed rounds' order: every process's JIT and connections are warm
    // before round 1, and the gateway ceiling knows PACScribe's response sizes.
    console.error('Read rows and STOW c16, a warm-up round (untimed)…');
    const untimed: Record_ = () => {};
    for (const label of labels) {
      for (const p of participants) await p.rows.get(label)?.(untimed, WARM_UP_REQUESTS);
    }
    for (let round = 0; round < options.repeats; round += 1) {
      const order = rotated(participants, round);
      console.error(
        `Read rows and STOW c16, round ${round + 1} of ${options.repeats}: ${order.map((p) => p.name).join(', then ')}, row by row…`,
      );
      await archiver.quiet(async () => {
        for (const label of labels) {
          for (const p of order) {
            const run = p.rows.get(label);
            if (!run) continue;
            const meter = p.serving ? cpuMeter({ serving: p.serving, ...standInPids }) : null;
            const made = await run(recorder(rows, p.name), options.requests);
            if (meter) noteCpu(cpuByRow, label, p.name, meter(made));
          }
        }
      });
    }
    console.error('Counting AWS calls per route: a pass marked for the trace…');
    await tracedPass(client(pacscribe, token, ca, 'upload-session', { [TRACE_HEADER]: '1' }));
    for (const c of clients) {
      console.error(`Large files against ${c.server.name}…`);
      const record = recorder(rows, c.server.name);
      const { peakByProcess } = await archiver.quiet(() =>
        largeFileWorkloads(c, large, record, options.requests),
      );
      if (c.server === pacscribe) pacscribePeakByProcess = peakByProcess;
    }
    // What the rows left to archive, so the witness's CPU covers all of it (read before the stack stops).
    await archiver.catchUp();
    archiverUsage = archiver.usage();
  } finally {
    archiver.release();
    await gatewayServer?.stop();
    standIns?.close();
    await pacscribe.stop();
    await orthanc.stop();
  }
  const names = [pacscribe.name, orthanc.name];
  /** A row's own ceiling runs (STOW c16's), or those of the stand-in row of the same label and unit. */
  const ceilingOf = (row: Row, ceiling: string): number[] => {
    if (row.values[ceiling]?.length) return row.values[ceiling];
    const suffix = row.unit === 'MB/s' ? ' ' : row.unit === 'p50 ms' ? ' p50' : '';
    const own = rows.get(`${row.label.trim()} (stand-ins)${suffix}`);
    return (own?.unit === row.unit ? own.values[ceiling] : undefined) ?? [];
  };
  /**
   * Throughput as a share of the ceiling's; latency as the milliseconds PACScribe adds to the stand-ins':
   * each round's pair, then the median over the rounds and their range.
   */
  const kept = (row: Row, ours: readonly number[], ceiling: readonly number[]) => {
    const figure = row.higherIsBetter ? pairedRatio(ours, ceiling) : pairedDifference(ours, ceiling);
    if (!figure) return '—';
    const format = row.higherIsBetter
      ? (value: number) => `${Math.round(100 * value)} %`
      : (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(1)} ms`;
    return figure.pairs > 1
      ? `${format(figure.median)} (${format(figure.min)} to ${format(figure.max)})`
      : format(figure.median);
  };
  const verdict = (row: Row, ratio: PairedFigure) =>
    (row.higherIsBetter ? ratio.median >= 1 : ratio.median <= 1) ? 'better or equal' : 'worse';
  const table = [
    `| workload | unit | ${names.map((name) => `${name} (median) | spread`).join(' | ')} | PACScribe/Orthanc (per round: median; min–max) | stand-in ceiling (median; min–max) | PACScribe % of ceiling, per round (p50: ms above the stand-ins') | stand-ins + gateway hop (median; min–max) | PACScribe % of it, per round (p50: ms above) |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...[...rows.values()]
      .filter((row) => !row.label.includes('(stand-ins)') && row.values[names[0] as string])
      .map((row) => {
        const [ours, theirs] = names.map((name) => row.values[name] ?? []) as [number[], number[]];
        const ratio = pairedRatio(ours, theirs);
        const against = (name: string) => {
          const ceilings = ceilingOf(row, name);
          return ceilings.length
            ? `${median(ceilings).toFixed(1)}; ${spread(ceilings)} | ${kept(row, ours, ceilings)}`
            : '— | —';
        };
        const toOrthanc = ratio
          ? `${ratio.median.toFixed(2)}${ratio.pairs > 1 ? `; ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}` : ''} (${verdict(row, ratio)})`
          : '—';
        return `| ${row.label.trim()} | ${row.unit} | ${median(ours).toFixed(1)} | ${spread(ours)} | ${median(theirs).toFixed(1)} | ${spread(theirs)} | ${toOrthanc} | ${against(CEILING)} | ${against(GATEWAY)} |`;
      }),
  ];
  const recipeTable = [
    '| row | stand-in operations per request (∥ concurrent, → sequential) |',
    '|---|---|',
    ...Object.entries(standIns.recipes).map(([label, { operations }]) => `| ${label} | ${operations} |`),
  ];
  const report = [
    `# DICOMweb benchmark (${new Date().toISOString()})`,
    '',
    `${options.instances} CT instances of 512×512×16 bit (${(items[0]?.bytes.length ?? 0) / 1024} KiB each), one instance per STOW request; ${options.requests} requests per query row at concurrency 8; STOW c1 is timed once per server while the data set is stored (the rest of it goes in at concurrency 16, untimed); the read rows (rendered frames and thumbnails among them) and STOW c16 (${options.requests} new instances per run at concurrency 16, made before the clock starts, in studies of 20 as the data set's) run in ${options.repeats} timed rounds after an untimed warm-up round of ${WARM_UP_REQUESTS} requests per row; in each round every row runs against PACScribe, Orthanc, the stand-ins and the stand-ins behind the gateway's hop back to back, who goes first rotating by round (median and min–max spread of each side's runs; the ratios and percentages are each round's pair, then their median and range over the rounds). Both servers on this machine, loopback only; PACScribe's figure includes its local AWS stand-ins (DynamoDB Local, s3rver), which set its ceiling on byte-heavy rows.${options.instances > PREPARED_INSTANCES ? ` Above ${PREPARED_INSTANCES} instances each file of the data set is made while it is stored, so STOW c1 includes that work and compares only with itself.` : ''}`,
    '',
    ...table,
    '',
    archiverLine(archiverUsage),
    '',
    `PACScribe's peak server memory by process (each process's own peak up to the last phase, rendering one large file; the peaks need not coincide, so their sum, the row above, can exceed what the stack held at any one moment): ${pacscribePeakByProcess.map(({ process, mib }) => `${process} ${mib.toFixed(1)} MiB`).join(', ')}.`,
    '',
    `Large files: ${LARGE_FILES} multi-frame images of ${LARGE_FRAMES} frames (${(large[0]?.bytes.length ?? 0) / 1024 / 1024} MiB each); PACScribe stores them through an upload session (presigned part uploads, then asynchronous ingest, polled every 50 ms), Orthanc through one STOW-RS request each.`,
    '',
    '## AWS calls per request (critical path)',
    '',
    'Counted by the local stack around every SDK request to the stand-ins (`scripts/local/aws-call-trace.ts`): the',
    'mean calls one request makes, and how many of them are sequential (the longest chain of calls each started',
    "after the previous one answered; a round trip is counted to the response's headers). Counted in passes of",
    `their own, marked for the trace: the read and rendering rows before the timed rounds (${RECORDED_PER_NAME} requests per row, fewer for the series row, each after a few unmarked ones, so a warm function's; the ceiling replays what they sent), the store routes after them (${TRACED_REQUESTS} STOW requests, one upload session). The timed rows run untraced.`,
    '',
    ...awsCallTable(pacscribe.awsCallProfile),
    '',
    "## The stand-ins' ceiling",
    '',
    `Each read row's stand-in requests, sent straight to DynamoDB Local and s3rver from the benchmark's process at the row's concurrency (in each of the ${options.repeats} rounds, right beside the servers' runs of the same row; \`scripts/bench/stand-in-ceiling.ts\`). "PACScribe % of ceiling" above is, in each round, PACScribe's rate over the ceiling's rate of the same row seconds apart; the table gives the median of those rounds and their range. A read row's requests are the ones PACScribe itself sent for that row, recorded by the stack in the marked pass before the rounds (${RECORDED_PER_NAME} requests per row, the most it keeps, fewer for the series row, after a few unmarked ones, so a warm function's path; \`scripts/local/aws-call-trace.ts\`) and replayed in turn, in the stages their timing showed: the same tables, indexes, projections, keys and object ranges, read from the stack's own tables and bucket. The audit append goes into the stack's own audit table, so it writes the table's index and its stream record as PACScribe's appends do: a copy of the recorded record in partitions no chain, time-index query or witness reads (\`CEL#…\` for \`ORG#…\`, as long), its sort key made unique by a short suffix. Other writes (now and then a request counter) go to tables made from PACScribe's own definitions. A rendered row's plain ceiling reads the frame as PACScribe does and renders nothing: what PACScribe keeps of it is what windowing and encoding the image, and PACScribe's own handling, leave. Behind the gateway's hop it also renders the frame it read, as PACScribe does (PACScribe's display mapping and image encoder, with the options PACScribe's route gives the row's requests, the pixel module read once from a file of the data set; \`ceilingRenderer\`), and answers with the image: the gap to that column is PACScribe's own handling of a rendered request, the rendering itself left out. STOW c16's ceiling runs in the same rounds (${options.requests} requests at concurrency 16 each), but is not replayed (its writes would store the same instance again): its membership read and audit append use copies of items the stack stored (${standIns?.copied.member} and ${standIns?.copied.audit} bytes as JSON), its standing read a synthetic item of 4 KB; its index read and write and its object write are PACScribe's own adapters' (\`DynamoImagingIndex\`, \`S3ObjectStore\`: the same requests), for one stored instance's file and DICOM JSON (${standIns?.copied.metadata} bytes) under new UIDs, into a table made from the imaging index's definition, for a ceiling organization whose studies get 20 instances in two series as the data set's do, so most index writes update a study and a series that exist and concurrent ones contend for them as PACScribe's do.`,
    '',
    ...recipeTable,
    '',
    `"Stand-ins + gateway hop" is the same operations behind a bare Node HTTPS server in its own process (\`scripts/bench/gateway-ceiling.ts\`), asked by the benchmark's client with PACScribe's bearer token, over the stack's certificate and TLS floor, and answering with as many bytes as PACScribe did on average (object bytes streamed from s3rver). Locally the stack's HTTPS listener stands in for API Gateway, which terminates TLS before a function runs in AWS; this ceiling charges that hop to the stand-ins, so what PACScribe loses against it is its own work: routing, the token check, validation, the handlers, the audit record and JSON.`,
    '',
    '### CPU per request: the stack against the gateway server',
    '',
    `CPU milliseconds per request from /proc (10 ms ticks) over each round's run of a row, median (min–max) over the ${options.repeats} rounds: PACScribe's local stack process (the router, the handlers, the SDK calls) against the gateway ceiling's server (a bare HTTPS server making the same stand-in calls and answering with as many bytes), and the stand-ins' own CPU under each. The third column is each round's difference, then their median and range.`,
    '',
    ...cpuTable(cpuByRow, pacscribe.name, GATEWAY),
    '',
    '## Deployed latency model',
    '',
    "Documented per-call latencies applied to each read's call sequence and to STOW's (`scripts/bench/latency-model.ts`, sources there): a warm Lambda, time to the first byte (for rendered images, to the frame's arrival: their rendering adds to it; for STOW, to the response, once the audit record is written).",
    '',
    ...latencyModelTable(measuredMinSequential(pacscribe.awsCallProfile)),
    '',
    ...archiverModelLines(),
    '',
    '## Lambda bundles',
    '',
    ...(await bundles()),
  ].join('\n');
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-dicomweb.md', `${report}\n`);
  console.log(report);
}
