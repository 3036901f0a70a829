import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RECORD_HEADER, recordedInvocationsFile, TRACE_HEADER } from '../local/aws-call-trace';
import { buildHandlerBundle } from '../local/lambda-registry';
import {
  COLLECTOR_TRACE_FLAGS,
  type CollectorFigures,
  type CollectorTrace,
  collectorFigures,
} from './collector-trace';
import {
  client,
  dataset,
  expectOk,
  type Instance,
  load,
  pacscribeToken,
  percentile,
  recordingsOf,
  STOW_HEADERS,
  stowBody,
} from './dicomweb';
import { gatewayCeilingPath, startGatewayCeiling } from './gateway-ceiling';
import { auditWitnessPid, cpuSeconds, localS3Pid, startPacscribe } from './servers';
import { SERIES_ROW } from './stand-in-ceiling';

/**
 * `npm run bench -- profile`: where the local stack's CPU goes on each read row (issue 12). The stack runs
 * under V8's sampling profiler; each row runs alone for a fixed time, and the samples inside its window
 * are charged to the nearest code up their stack that is not Node's own: PACScribe's own modules, the libraries bundled with them (named by the
 * `// path` comments esbuild leaves above each module), Node's HTTP and TLS, the in-process stand-ins
 * (cognito-local, the SES and Step Functions stand-ins), garbage collection and idle time. DynamoDB Local's
 * JVM, s3rver and the audit witness are processes of their own: their CPU time over the same window comes
 * from /proc.
 *
 * Each read row also runs, right after the stack's window, behind the gateway ceiling's bare HTTPS server
 * (gateway-ceiling.ts) under the same sampling: the very stand-in requests the stack sent for that row
 * (recorded in a marked pass first, as `npm run bench -- dicomweb` records them), answered with as many
 * bytes. The report sets the two side by side, part by part, in CPU milliseconds per request: what the
 * stack spends above that server is PACScribe's own work, and where it goes.
 *
 * Both processes also print a line per garbage collection (collector-trace.ts), and the report gives each
 * window's: what a profile charges to "GC" is paid in proportion to what the young collections find
 * alive, which the samples cannot show.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds on CLOCK_MONOTONIC, the clock V8's profiler stamps its samples with on Linux. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Module of each line of the handlers' bundle, from the `// path` comment esbuild writes above each module.
 * The path is relative to the project, so a `node_modules` linked from elsewhere (a git worktree's) reads
 * `../../elsewhere/node_modules/…`: the part from `node_modules/` on names the package all the same.
 */
export function bundleModules(code: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  code.split('\n').forEach((text, index) => {
    const match = /^\/\/ (?:\S*?\/)??((?:node_modules|functions|schemas|events|infra|scripts)\/\S+)$/.exec(
      text,
    );
    if (match?.[1]) starts.push({ line: index, module: match[1] });
  });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = 'bundle';
    while (low <= high) {
      const middle = (low + high) >> 1;
      const start = starts[middle] as { line: number; module: string };
      if (start.line <= line) {
        found = start.module;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  };
}

/** Whether a process is a JVM (DynamoDB Local), from the command name the kernel keeps for it. */
function isJvm(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java';
  } catch {
    return false;
  }
}

/** The group a frame's own code belongs to, or null for Node's internals and native code. */
function codeGroup(frame: CallFrame, moduleAt: (line: number) => string): string | null {
  if (!frame.url || frame.url.startsWith('node:')) return null;
  let where = frame.url.replace(/^file:\/\//, '');
  if (where.includes('/.pacscribe/bundle-')) where = moduleAt(frame.lineNumber);
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (packageMatch?.[1]) {
    const name = packageMatch[1];
    if (/^@(aws-sdk|smithy|aws-crypto)\//.test(name)) return 'AWS SDK';
    if (/^(s3rver|koa|@koa\/|koa-|graceful-fs|fs-extra|universalify|xmlbuilder2|fast-xml-parser)/.test(name))
      return 's3rver (stand-in)';
    if (/^(cognito-local|jsonwebtoken|stormdb)/.test(name)) return 'cognito-local (stand-in)';
    if (name.startsWith('@aws-lambda-powertools/')) return 'Powertools';
    return name;
  }
  const bench = /scripts\/bench\/([^/]+)$/.exec(where);
  if (bench) return `bare server (${bench[1]})`;
  const ours = /(functions|schemas|scripts\/local|infra)\/([^/]+)/.exec(where);
  if (ours)
    return ours[1] === 'scripts/local' ? `local stack (${ours[2]})` : `PACScribe ${ours[1]}/${ours[2]}`;
  return where.split('/').slice(-2).join('/');
}

/**
 * Who a sample's time is charged to: the nearest code up its stack that is not Node's own, so a socket
 * write the SDK asked for counts as the SDK's, and one the local router's response made counts as the
 * router's. Samples with no such frame (timers, the event loop, TLS records) stay with Node.
 */
function chargedTo(
  id: number,
  nodes: Map<number, ProfileNode>,
  parents: Map<number, number>,
  moduleAt: (line: number) => string,
): string {
  const leaf = nodes.get(id)?.callFrame;
  if (leaf?.functionName === '(idle)') return '(idle)';
  if (leaf?.functionName === '(garbage collector)') return '(garbage collector)';
  if (leaf?.functionName === '(program)') return '(program: V8 and native)';
  let nodeFrame = '';
  for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
    const frame = nodes.get(current)?.callFrame;
    if (!frame) break;
    const group = codeGroup(frame, moduleAt);
    if (group) return group;
    if (!nodeFrame && frame.url.startsWith('node:')) nodeFrame = frame.url;
  }
  if (/tls|crypto/.test(nodeFrame)) return 'Node TLS and crypto';
  if (/_http_|net|stream/.test(nodeFrame)) return 'Node HTTP and sockets';
  return 'Node (other)';
}

/** The columns of the per-row table: PACScribe's own code, what it uses, and what the stand-ins cost. */
function bucketOf(group: string): string {
  if (group.startsWith('PACScribe ')) return "PACScribe's code";
  if (group === 'AWS SDK') return 'AWS SDK';
  if (group.startsWith('local stack') || group.startsWith('bare server'))
    return "the server (the local stack's router and streaming; the bare server)";
  if (group.includes('(stand-in)')) return 'in-process stand-ins';
  if (group.startsWith('Node')) return 'Node HTTP, TLS, other';
  if (group.startsWith('(')) return group === '(idle)' ? 'idle' : 'GC and V8';
  return 'libraries (zod, middy, JWT, Powertools, …)';
}

export interface Window {
  label: string;
  from: number;
  to: number;
  requests: number;
  p50: number;
  nodeCpu: number;
  /** DynamoDB Local. */
  jvmCpu: number;
  /** The stack's s3rver, in a process of its own. */
  s3Cpu: number;
  /** The audit witness (the archiver's stand-in). */
  witnessCpu: number;
  /** What the stack's garbage collector did in the window. */
  collector: CollectorFigures;
}

/** A row's window behind the gateway ceiling's bare server. */
export interface ServerWindow {
  label: string;
  from: number;
  to: number;
  requests: number;
  /** The server process's CPU seconds over the window, from /proc. */
  cpu: number;
  collector: CollectorFigures;
}

/** Requests recorded per row for the bare server to replay (the stack keeps at most 50 per name). */
const RECORDED_REQUESTS = 20;

/** CPU milliseconds per request in each window, by bucket, from a profile's samples (idle left out). */
export function cpuByBucket(
  profile: CpuProfile,
  windows: readonly { from: number; to: number; requests: number }[],
  moduleAt: (line: number) => string,
): Map<string, number>[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byWindow = windows.map(() => new Map<string, number>());
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    const at = windows.findIndex((window) => time >= window.from && time <= window.to);
    if (at < 0) return;
    const group = chargedTo(id, nodes, parents, moduleAt);
    if (group === '(idle)') return;
    const buckets = byWindow[at] as Map<string, number>;
    const bucket = bucketOf(group);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta / 1000 / (windows[at]?.requests || 1));
  });
  return byWindow;
}

/**
 * Each read row's CPU per request in the stack and behind the bare server, part by part. The samples are
 * spaced in wall time, and on two busy cores a process is sometimes waiting for a core while its sample
 * is taken; so each side's parts are its /proc CPU shared out in proportion to its busy samples.
 */
export function againstTheBareServer(
  stack: readonly Map<string, number>[],
  stackWindows: readonly Window[],
  bare: readonly Map<string, number>[],
  bareWindows: readonly ServerWindow[],
  buckets: readonly string[],
): string[] {
  const ms = (value: number) => value.toFixed(2);
  const signed = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;
  const sum = (parts: Map<string, number>) => [...parts.values()].reduce((total, value) => total + value, 0);
  const scaled = (parts: Map<string, number>, cpu: number, bucket: string) =>
    ((parts.get(bucket) ?? 0) * cpu) / Math.max(sum(parts), Number.EPSILON);
  return [
    "## The stack against the gateway ceiling's bare server",
    '',
    `Right after the stack's window of each read row, the same row for as long behind the gateway ceiling's bare HTTPS server (\`scripts/bench/gateway-ceiling.ts\`, in its own process, sampled alike): it sends the very stand-in requests the stack sent for that row (${RECORDED_REQUESTS} recorded per row, replayed in turn) and answers with as many bytes, with no routing, token check, validation, handler, audit record or JSON of its own. CPU milliseconds per request from /proc, stack / bare server, then the same shared out over the parts in proportion to each side's busy samples (the sampling adds its own cost to both). What the stack spends above the server is PACScribe's own work.`,
    '',
    `| row | stack / server (difference) | ${buckets.join(' | ')} |`,
    `|---|---|${buckets.map(() => '---').join('|')}|`,
    ...bareWindows.flatMap((window, index) => {
      const at = stackWindows.findIndex((candidate) => candidate.label === window.label);
      const ours = stack[at];
      const theirs = bare[index];
      const stackWindow = stackWindows[at];
      if (!ours || !theirs || !stackWindow) return [];
      const stackCpu = (1000 * stackWindow.nodeCpu) / stackWindow.requests;
      const serverCpu = (1000 * window.cpu) / window.requests;
      const parts = buckets.map((bucket) => {
        const [mine, its] = [scaled(ours, stackCpu, bucket), scaled(theirs, serverCpu, bucket)];
        return `${ms(mine)} / ${ms(its)} (${signed(mine - its)})`;
      });
      return [
        `| ${window.label} | ${ms(stackCpu)} / ${ms(serverCpu)} (${signed(stackCpu - serverCpu)}) | ${parts.join(' | ')} |`,
      ];
    }),
    '',
  ];
}

/** How long a window's last collection lines may take to come through the process's output pipe. */
const COLLECTOR_LINES_SETTLE_MS = 250;

/** The collections a process printed since it had printed `before`, once its last lines have arrived. */
async function collectedSince(
  trace: CollectorTrace | undefined,
  before: number,
  requests: number,
): Promise<CollectorFigures> {
  await sleep(COLLECTOR_LINES_SETTLE_MS);
  return collectorFigures(trace?.collections.slice(before) ?? [], requests);
}

/**
 * Each read row's garbage collection in the stack and behind the bare server: what the CPU profile's
 * "GC and V8" part is made of. Bytes that survive a young collection are copied (and, the second time,
 * promoted into the old generation, which full collections then have to mark and compact).
 */
export function collectorTable(
  stackWindows: readonly Window[],
  bareWindows: readonly ServerWindow[],
): string[] {
  const pair = (mine: string, theirs: string | undefined) => `${mine} / ${theirs ?? '–'}`;
  const figures = (of: CollectorFigures) => [
    String(of.young),
    of.survivedKiB.toFixed(0),
    of.promotedKiB.toFixed(0),
    of.youngPauseMs.toFixed(2),
    String(of.full),
    of.fullPauseMs.toFixed(2),
  ];
  return [
    '## What the garbage collector did',
    '',
    `Each window's collections, from the lines V8 prints under \`${COLLECTOR_TRACE_FLAGS.join(' ')}\` (stack / bare server; the STOW row has no bare server). Young collections find what is still alive in the young generation and copy it; what survives a second time is promoted to the old generation, which full mark-compacts then collect. Bytes and pauses are per request; collections are counts for the whole window. A window's lines are those printed between its start and ${COLLECTOR_LINES_SETTLE_MS} ms after its end.`,
    '',
    '| row | young collections | surviving them, KiB/request | promoted, KiB/request | their pauses, ms/request | full collections | their pauses, ms/request |',
    '|---|---|---|---|---|---|---|',
    ...stackWindows.map((window) => {
      const bare = bareWindows.find((candidate) => candidate.label === window.label);
      const theirs = bare ? figures(bare.collector) : [];
      return `| ${window.label} | ${figures(window.collector)
        .map((mine, index) => pair(mine, theirs[index]))
        .join(' | ')} |`;
    }),
    '',
  ];
}

/** The CPU profile Node wrote in `dir` (each process writes one, on exit). */
function profileIn(dir: string, whose: string): { file: string; profile: CpuProfile } {
  const name = readdirSync(dir).find((candidate) => candidate.endsWith('.cpuprofile'));
  if (!name) throw new Error(`${whose} wrote no CPU profile in ${dir}`);
  const file = path.join(dir, name);
  return { file, profile: JSON.parse(readFileSync(file, 'utf8')) as CpuProfile };
}

export async function benchProfile(options: { instances: number; seconds: number }) {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'bench-profile-'));
  console.error(`Generating ${options.instances} CT instances…`);
  const items = dataset(options.instances);
  const pacscribe = await startPacscribe({
    nodeArgs: [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      '--cpu-prof-interval=500',
      ...COLLECTOR_TRACE_FLAGS,
    ],
  });
  const windows: Window[] = [];
  const serverProfileDir = mkdtempSync(path.join(tmpdir(), 'bench-profile-server-'));
  const serverWindows: ServerWindow[] = [];
  let server: Awaited<ReturnType<typeof startGatewayCeiling>> | undefined;
  try {
    const token = await pacscribeToken(pacscribe.config);
    const ca = readFileSync(pacscribe.config.caCertPath);
    const c = client(pacscribe, token, ca, 'upload-session');
    // Each window's CPU: the stack's Node process from its profile and /proc, its children from /proc.
    const measured = async (label: string, run: () => Promise<{ requests: number; latencies: number[] }>) => {
      const pids = pacscribe.pids();
      const [nodePid, ...children] = pids as [number, ...number[]];
      const jvms = children.filter(isJvm);
      const witness = auditWitnessPid(pids);
      const others = witness ? [witness] : [];
      const s3 = localS3Pid(pids);
      const s3Before = s3 ? cpuSeconds(s3) : 0;
      const cpuOf = (group: number[]) => group.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      const nodeBefore = cpuSeconds(nodePid);
      const [jvmBefore, othersBefore] = [cpuOf(jvms), cpuOf(others)];
      const collectedBefore = pacscribe.collector?.collections.length ?? 0;
      const from = monotonicMicros();
      const { requests, latencies } = await run();
      const to = monotonicMicros();
      const window = {
        label,
        from,
        to,
        requests,
        p50: percentile(latencies, 50),
        nodeCpu: cpuSeconds(nodePid) - nodeBefore,
        jvmCpu: cpuOf(jvms) - jvmBefore,
        s3Cpu: s3 ? cpuSeconds(s3) - s3Before : 0,
        witnessCpu: cpuOf(others) - othersBefore,
      };
      windows.push({
        ...window,
        collector: await collectedSince(pacscribe.collector, collectedBefore, requests),
      });
      console.error(`${label}: ${(requests / ((to - from) / 1e6)).toFixed(1)} requests/s`);
    };
    console.error(`Storing ${items.length} instances…`);
    // The load is a window too: one instance per STOW request, at the read rows' concurrency.
    await measured('STOW (one instance)', async () => {
      const run = await load(items.length, 8, async (i) =>
        expectOk(
          (
            await c.send('POST', '/studies', {
              body: stowBody((items[i] as Instance).bytes),
              headers: STOW_HEADERS,
            })
          ).status,
          'STOW',
        ),
      );
      return { requests: items.length, latencies: run.latencies };
    });
    const pick = (i: number) => items[(i * 7919) % items.length] as Instance;
    const json = { accept: 'application/dicom+json' };
    const octets = { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' };
    const dicom = { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' };
    const rows: [string, (item: Instance) => string, Record<string, string>, number?][] = [
      ['QIDO by PatientID', (item) => `/studies?PatientID=${item.patientId}`, json],
      // A page of 100 studies (the date-range and name rows' size at scale); 101 read with 2,020+ instances.
      ['QIDO 100 studies', () => '/studies?limit=100', json],
      ['QIDO series of a study', (item) => `/studies/${item.study}/series`, json],
      [
        'QIDO instances of a series',
        (item) => `/studies/${item.study}/series/${item.series}/instances`,
        json,
      ],
      ['WADO series metadata', (item) => `/studies/${item.study}/series/${item.series}/metadata`, json],
      [
        'WADO instance metadata',
        (item) => `/studies/${item.study}/series/${item.series}/instances/${item.sop}/metadata`,
        json,
      ],
      [
        'WADO frame (native)',
        (item) => `/studies/${item.study}/series/${item.series}/instances/${item.sop}/frames/1`,
        octets,
      ],
      [
        'WADO instance',
        (item) => `/studies/${item.study}/series/${item.series}/instances/${item.sop}`,
        dicom,
      ],
      // At the dicomweb row's concurrency: each request sends the series' 10 instances.
      [
        'WADO series (10 instances)',
        (item) => `/studies/${item.study}/series/${item.series}`,
        dicom,
        SERIES_ROW.concurrency,
      ],
    ];
    // The stand-in requests of each row, recorded as the stack sends them (a warm function's), and the
    // mean size of its answers, for the bare server to replay and send.
    const answerBytes = new Map<string, number>();
    const made = new Map<string, number>();
    for (const [label, url, headers, concurrency = 8] of rows) {
      await load(20, concurrency, async (i) =>
        expectOk((await c.send('GET', url(pick(i)), { headers })).status, label),
      );
      const marked = client(pacscribe, token, ca, 'upload-session', {
        [TRACE_HEADER]: '1',
        [RECORD_HEADER]: label,
      });
      let bytes = 0;
      await load(RECORDED_REQUESTS, concurrency, async (i) => {
        const answer = await marked.send('GET', url(pick(i)), { headers });
        expectOk(answer.status, label);
        bytes += answer.size;
      });
      answerBytes.set(label, bytes / RECORDED_REQUESTS);
      made.set(label, RECORDED_REQUESTS);
    }
    const recordedPath = recordedInvocationsFile(pacscribe.awsCallProfile);
    const recorded = await recordingsOf(recordedPath, made);
    server = await startGatewayCeiling(
      {
        standIns: pacscribe.config,
        certPath: pacscribe.config.caCertPath,
        object: (items[0] as Instance).bytes,
        recordedPath,
      },
      [
        '--cpu-prof',
        `--cpu-prof-dir=${serverProfileDir}`,
        '--cpu-prof-interval=500',
        ...COLLECTOR_TRACE_FLAGS,
      ],
    );
    const bare = client(server, token, ca, 'stow');
    const serverPid = server.pids()[0] ?? 0;
    /** Runs `send` at the row's concurrency for the window's length; returns requests and latencies. */
    const timed = async (concurrency: number, send: (i: number) => Promise<number>) => {
      const deadline = performance.now() + options.seconds * 1000;
      let requests = 0;
      const run = await load(1_000_000, concurrency, async (i) => {
        if (performance.now() > deadline) return;
        requests += 1;
        expectOk(await send(i), 'the row');
      });
      return { requests, latencies: run.latencies.slice(-requests) };
    };
    for (const [label, url, headers, concurrency = 8] of rows) {
      const viaStack = async (i: number) => (await c.send('GET', url(pick(i)), { headers })).status;
      // Rows that stream objects send them from storage; the rest answer with the stack's mean size.
      const streams = recorded[label]?.some((calls) => calls.some((call) => call.service === 's3'));
      const viaServer = async (i: number) =>
        (await bare.send('GET', gatewayCeilingPath(label, i, streams ? 0 : (answerBytes.get(label) ?? 0))))
          .status;
      // A short warm-up outside each window, so the JIT's first compilations do not count.
      await load(100, concurrency, viaStack);
      await measured(label, () => timed(concurrency, viaStack));
      await load(100, concurrency, viaServer);
      const before = cpuSeconds(serverPid);
      const collectedBefore = server.collector?.collections.length ?? 0;
      const from = monotonicMicros();
      const { requests } = await timed(concurrency, viaServer);
      const to = monotonicMicros();
      const cpu = cpuSeconds(serverPid) - before;
      serverWindows.push({
        label,
        from,
        to,
        requests,
        cpu,
        collector: await collectedSince(server.collector, collectedBefore, requests),
      });
    }
  } finally {
    await server?.stop();
    await pacscribe.stop();
  }
  const { file, profile } = profileIn(profileDir, 'the local stack');
  const moduleAt = bundleModules(await buildHandlerBundle());
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const report: string[] = [];
  const totals = new Map<string, number>();
  const functions = new Map<string, number>();
  let time = profile.startTime;
  const perWindow = windows.map(() => new Map<string, number>());
  const functionsPerWindow = windows.map(() => new Map<string, number>());
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    const windowIndex = windows.findIndex((window) => time >= window.from && time <= window.to);
    if (windowIndex < 0) return;
    const node = nodes.get(id);
    if (!node) return;
    const group = chargedTo(id, nodes, parents, moduleAt);
    const counts = perWindow[windowIndex] as Map<string, number>;
    counts.set(group, (counts.get(group) ?? 0) + 1);
    totals.set(group, (totals.get(group) ?? 0) + 1);
    const name = `${node.callFrame.functionName || '(anonymous)'} — ${codeGroup(node.callFrame, moduleAt) ?? node.callFrame.url.replace(/^node:(internal\/)?/, 'node:')}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    const own = functionsPerWindow[windowIndex] as Map<string, number>;
    own.set(name, (own.get(name) ?? 0) + 1);
  });
  const share = (count: number, all: number) => `${((100 * count) / Math.max(1, all)).toFixed(1)} %`;
  const groups = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([group]) => group);
  const buckets = [...new Set(groups.map(bucketOf))];
  report.push(
    `# Where the local stack's CPU goes (${new Date().toISOString()})`,
    '',
    `${options.instances} CT instances; each row alone for ${options.seconds} s at concurrency 8 (the series row at ${SERIES_ROW.concurrency}, as in \`npm run bench -- dicomweb\`) after 100 warm-up requests; V8 sampling every 0.5 ms in the stack's Node process (\`npm run bench -- profile\`). Each sample is charged to the nearest code up its stack that is not Node's own. Shares are of the Node process's samples in the row's window, idle included; "Node CPU", "JVM CPU", "s3rver CPU" and "witness CPU" are CPU milliseconds per request from /proc (the JVM is DynamoDB Local; s3rver runs in a process of its own; the witness, the archiver's stand-in in a process of its own, archives each audit record the row writes).`,
    '',
    `| row | requests/s | p50 ms | Node CPU ms/request | JVM CPU ms/request | s3rver CPU ms/request | witness CPU ms/request | ${buckets.join(' | ')} |`,
    `|---|---|---|---|---|---|---|${buckets.map(() => '---').join('|')}|`,
    ...windows.map((window, index) => {
      const counts = perWindow[index] as Map<string, number>;
      const all = [...counts.values()].reduce((sum, count) => sum + count, 0);
      const byBucket = new Map<string, number>();
      for (const [group, count] of counts)
        byBucket.set(bucketOf(group), (byBucket.get(bucketOf(group)) ?? 0) + count);
      const seconds = (window.to - window.from) / 1e6;
      return `| ${window.label} | ${(window.requests / seconds).toFixed(1)} | ${window.p50.toFixed(1)} | ${((1000 * window.nodeCpu) / window.requests).toFixed(2)} | ${((1000 * window.jvmCpu) / window.requests).toFixed(2)} | ${((1000 * window.s3Cpu) / window.requests).toFixed(2)} | ${((1000 * window.witnessCpu) / window.requests).toFixed(2)} | ${buckets.map((bucket) => share(byBucket.get(bucket) ?? 0, all)).join(' | ')} |`;
    }),
    '',
    ...againstTheBareServer(
      cpuByBucket(profile, windows, moduleAt),
      windows,
      cpuByBucket(
        profileIn(serverProfileDir, "the gateway ceiling's server").profile,
        serverWindows,
        moduleAt,
      ),
      serverWindows,
      buckets.filter((bucket) => bucket !== 'idle'),
    ),
    ...collectorTable(windows, serverWindows),
    '## Heaviest functions (self time, all rows)',
    '',
    '| function — group | share |',
    '|---|---|',
    ...(() => {
      const all = [...functions.values()].reduce((sum, count) => sum + count, 0);
      return [...functions.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([name, count]) => `| ${name} | ${share(count, all)} |`);
    })(),
    '',
    '## Heaviest functions of each row (self time, idle left out)',
    '',
    ...windows.flatMap((window, index) => {
      const own = functionsPerWindow[index] as Map<string, number>;
      const busy = [...own.entries()].filter(([name]) => !name.startsWith('(idle)'));
      const all = busy.reduce((sum, [, count]) => sum + count, 0);
      return [
        `- ${window.label}: ${busy
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([name, count]) => `${name} ${share(count, all)}`)
          .join('; ')}`,
      ];
    }),
    '',
    '## Every group (all rows)',
    '',
    ...(() => {
      const all = [...totals.values()].reduce((sum, count) => sum + count, 0);
      return groups.map((group) => `- ${group}: ${share(totals.get(group) ?? 0, all)}`);
    })(),
  );
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-profile.md', `${report.join('\n')}\n`);
  console.log(report.join('\n'));
  console.error(`The raw profile: ${file} (open it in Chrome's DevTools)`);
}
