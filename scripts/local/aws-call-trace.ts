import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { renameSync, writeFileSync } from 'node:fs';
import { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * Critical-path accounting for the benchmark and the tests (issue 12), never in a deployed path: while
 * `PACSCRIBE_TRACE_AWS_CALLS` names a file, the local stack attributes every AWS call a handler makes (the
 * SDK's HTTP requests to the stand-ins, seen through Node's `http.client.*` diagnostics channels) to the
 * invocation that made it, and writes, per handler, how many calls a request makes and how many of them
 * are sequential — the longest chain of calls each starting after the previous one answered.
 *
 * With `PACSCRIBE_TRACE_AWS_CALLS_MARKED=1` only requests carrying the TRACE_HEADER are traced: the
 * benchmark counts calls in a pass of its own and times its rows untraced, since on Node 20 an enabled
 * AsyncLocalStorage runs a hook on every promise the SDK makes.
 */

/** The request header that asks for a request's AWS calls to be counted when only marked ones are. */
export const TRACE_HEADER = 'x-pacscribe-trace-aws-calls';
/**
 * On a marked request, names it (ASCII) for recording: the requests its calls sent are kept under
 * that name, so the benchmark's stand-in ceiling can send the very same ones (scripts/bench/stand-in-ceiling.ts).
 */
export const RECORD_HEADER = 'x-pacscribe-record-aws-calls';
interface Call {
  service: string;
  start: number;
  /** When the response's headers arrived: the round trip, not the body's transfer. */
  end: number;
  /** On recorded invocations only: what was sent. */
  request?: SentRequest;
}

/** An SDK request as it went out: enough to send it again. */
export interface SentRequest {
  method: string;
  /** Path and query, as sent (S3's are path-style locally). */
  path: string;
  /** DynamoDB's operation (the X-Amz-Target header); S3's Range header. */
  target?: string;
  range?: string;
  /** DynamoDB's JSON request body; other services' bodies are not kept. */
  body?: string;
}

/** One recorded call: when it ran, relative to its invocation's first call, and what it sent. */
export interface RecordedCall extends SentRequest {
  service: string;
  start: number;
  end: number;
}

/** By recording name, each recorded invocation's calls in the order they started. */
export type RecordedInvocations = Record<string, RecordedCall[][]>;

/** Where the recordings of a trace go: beside its profile. */
export const recordedInvocationsFile = (traceFile: string) =>
  `${traceFile.replace(/\.json$/, '')}-recorded.json`;

/**
 * Invocations kept per recording name (enough to vary keys as the requests did) and names kept: bounded
 * in memory whatever a client sends. Recordings hold request bodies (keys, items), so only the benchmark
 * asks for them, over its synthetic data set; `npm start` runs without the trace.
 */
export const RECORDED_PER_NAME = 50;
export const RECORDED_NAMES = 64;

interface Invocation {
  handler: string;
  calls: Call[];
  recordAs?: string;
}

export interface HandlerCallProfile {
  invocations: number;
  /** Mean AWS calls per request. */
  calls: number;
  /** Mean sequential round trips per request (critical path). */
  sequential: number;
  /** The fewest and most in one request: the least is the path when nothing contends or is cold. */
  minSequential: number;
  maxSequential: number;
  /** Mean calls per request by service. */
  byService: Record<string, number>;
  /** The same counts summed over every request, exact: two profiles' difference is what came between. */
  sums: { calls: number; sequential: number; byService: Record<string, number> };
}

const invocations = new AsyncLocalStorage<Invocation>();
const inFlight = new WeakMap<ClientRequest, Call>();
const recorded = new Map<string, RecordedCall[][]>();
const totals = new Map<
  string,
  {
    invocations: number;
    calls: number;
    sequential: number;
    minSequential: number;
    maxSequential: number;
    byService: Map<string, number>;
  }
>();

/**
 * The most calls that follow one another without overlapping: with calls as intervals, the greedy choice
 * by earliest end finds the longest such chain, which is the request's number of sequential round trips.
 */
export function sequentialRoundTrips(calls: readonly Pick<Call, 'start' | 'end'>[]): number {
  let chain = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.end - b.end)) {
    if (call.start >= lastEnd) {
      chain += 1;
      lastEnd = call.end;
    }
  }
  return chain;
}

/** Stand-in endpoints by host:port, from the SDK's AWS_ENDPOINT_URL_<SERVICE> variables the stack sets. */
function servicesByHost(env: NodeJS.ProcessEnv): Map<string, string> {
  const services = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    const match = /^AWS_ENDPOINT_URL_(.+)$/.exec(name);
    if (!match?.[1] || !value || !URL.canParse(value)) continue;
    services.set(new URL(value).host, match[1].toLowerCase());
  }
  return services;
}

let installed = false;
let markedOnly = false;
/**
 * Traced invocations in flight. Only while one is does the trace listen (the HTTP client channels, the
 * body catcher) and the storage run: untraced requests, such as the benchmark's timed rows, pay nothing.
 */
let tracing = 0;
/** What starts listening when the first traced invocation begins; returns what stops it. */
let listen: () => () => void = () => () => {};
let stopListening: (() => void) | undefined;
/** Whether anything was recorded since the profile was last written. */
let changed = false;

/** Subscribes to Node's HTTP client channels and writes the profile to `file` every second it changed. */
export function startAwsCallTrace(file: string, env: NodeJS.ProcessEnv = process.env): () => void {
  if (installed) throw new Error('AWS call tracing is already on');
  installed = true;
  markedOnly = env.PACSCRIBE_TRACE_AWS_CALLS_MARKED === '1';
  const services = servicesByHost(env);
  const onStart = (message: unknown) => {
    const invocation = invocations.getStore();
    const request = (message as { request: ClientRequest }).request;
    if (!invocation) return;
    const host = String(request.getHeader('host') ?? `${request.host}`);
    const service = services.get(host);
    if (!service) return;
    const call: Call = { service, start: performance.now(), end: Number.NaN };
    if (invocation.recordAs) call.request = sentRequest(service, request);
    invocation.calls.push(call);
    inFlight.set(request, call);
  };
  const onResponse = (message: unknown) => {
    const call = inFlight.get((message as { request: ClientRequest }).request);
    if (call) call.end = performance.now();
  };
  listen = () => {
    diagnosticsChannel.subscribe('http.client.request.start', onStart);
    diagnosticsChannel.subscribe('http.client.response.finish', onResponse);
    const releaseBodies = catchSentBodies();
    return () => {
      diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
      diagnosticsChannel.unsubscribe('http.client.response.finish', onResponse);
      releaseBodies();
    };
  };
  // Written aside and renamed, so a reader never sees half a file.
  const writeAtomically = (target: string, content: unknown) => {
    writeFileSync(`${target}.tmp`, `${JSON.stringify(content, null, 2)}\n`);
    renameSync(`${target}.tmp`, target);
  };
  const write = () => {
    changed = false;
    writeAtomically(file, awsCallProfile());
    if (recorded.size > 0) writeAtomically(recordedInvocationsFile(file), recordedInvocations());
  };
  const timer = setInterval(() => changed && write(), 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    write();
    stopListening?.();
    stopListening = undefined;
    listen = () => () => {};
    installed = false;
  };
}

/** What an SDK request sent, read as it starts (once its body has gone: Node publishes the start then). */
function sentRequest(service: string, request: ClientRequest): SentRequest {
  const target = request.getHeader('x-amz-target');
  const range = request.getHeader('range');
  const body = service === 'dynamodb' ? sentBodies.get(request) : undefined;
  return {
    method: request.method,
    path: request.path,
    ...(target ? { target: String(target) } : {}),
    ...(range ? { range: String(range) } : {}),
    ...(body !== undefined ? { body } : {}),
  };
}

/** Bodies of requests made by recorded invocations, caught as they are ended (the SDK ends with its body). */
const sentBodies = new WeakMap<ClientRequest, string>();

/** Catches request bodies on ClientRequest's `end` while listening; returns what puts it back. */
function catchSentBodies(): () => void {
  const prototype = ClientRequest.prototype;
  const end = prototype.end;
  prototype.end = function endCaught(this: ClientRequest, ...args: unknown[]) {
    const [chunk] = args;
    if (invocations.getStore()?.recordAs && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
      sentBodies.set(this, Buffer.from(chunk).toString());
    }
    return (end as (...endArgs: unknown[]) => ClientRequest).apply(this, args);
  } as ClientRequest['end'];
  return () => {
    prototype.end = end;
  };
}

/**
 * Runs one invocation with its calls attributed to `handler`, then adds them to the profile; `marked`
 * says the request carried the TRACE_HEADER, and `recordAs` (a marked request's RECORD_HEADER) keeps
 * what its calls sent under that name.
 */
export async function tracedInvocation<T>(
  handler: string,
  run: () => Promise<T>,
  marked = false,
  recordAs?: string,
): Promise<T> {
  if (!installed || (markedOnly && !marked)) return run();
  const invocation: Invocation = { handler, calls: [], ...(marked && recordAs ? { recordAs } : {}) };
  tracing += 1;
  if (tracing === 1) stopListening = listen();
  try {
    return await invocations.run(invocation, run);
  } finally {
    tracing -= 1;
    if (tracing === 0) {
      invocations.disable();
      stopListening?.();
      stopListening = undefined;
    }
    record(invocation);
  }
}

function record(invocation: Invocation): void {
  // A call still unanswered (a stream cut off) ends now: it was on the path all the same.
  const now = performance.now();
  const calls = invocation.calls.map((call) => (Number.isNaN(call.end) ? { ...call, end: now } : call));
  const sequential = sequentialRoundTrips(calls);
  const total = totals.get(invocation.handler) ?? {
    invocations: 0,
    calls: 0,
    sequential: 0,
    minSequential: Number.POSITIVE_INFINITY,
    maxSequential: 0,
    byService: new Map<string, number>(),
  };
  total.invocations += 1;
  total.calls += calls.length;
  total.sequential += sequential;
  total.minSequential = Math.min(total.minSequential, sequential);
  total.maxSequential = Math.max(total.maxSequential, sequential);
  for (const call of calls) total.byService.set(call.service, (total.byService.get(call.service) ?? 0) + 1);
  totals.set(invocation.handler, total);
  changed = true;
  if (invocation.recordAs) keepRecording(invocation.recordAs, calls);
}

function keepRecording(name: string, calls: readonly Call[]): void {
  const kept = recorded.get(name) ?? [];
  if (kept.length >= RECORDED_PER_NAME || (kept.length === 0 && recorded.size >= RECORDED_NAMES)) return;
  const first = Math.min(...calls.map((call) => call.start));
  kept.push(
    calls.flatMap(({ service, start, end, request }) =>
      request ? [{ service, start: start - first, end: end - first, ...request }] : [],
    ),
  );
  recorded.set(name, kept);
}

export function recordedInvocations(): RecordedInvocations {
  return Object.fromEntries(recorded);
}

export function awsCallProfile(): Record<string, HandlerCallProfile> {
  const round = (value: number) => Math.round(value * 100) / 100;
  return Object.fromEntries(
    [...totals.entries()].map(([handler, total]) => [
      handler,
      {
        invocations: total.invocations,
        calls: round(total.calls / total.invocations),
        sequential: round(total.sequential / total.invocations),
        minSequential: total.minSequential,
        maxSequential: total.maxSequential,
        byService: Object.fromEntries(
          [...total.byService.entries()].map(([service, count]) => [
            service,
            round(count / total.invocations),
          ]),
        ),
        sums: {
          calls: total.calls,
          sequential: total.sequential,
          byService: Object.fromEntries(total.byService),
        },
      },
    ]),
  );
}
