import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { renameSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
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
interface Call {
  service: string;
  start: number;
  /** When the response's headers arrived: the round trip, not the body's transfer. */
  end: number;
}

interface Invocation {
  handler: string;
  calls: Call[];
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
/** Traced invocations in flight: the storage is disabled when none is, so untraced ones pay nothing. */
let tracing = 0;

/** Subscribes to Node's HTTP client channels and writes the profile to `file` every second. */
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
    invocation.calls.push(call);
    inFlight.set(request, call);
  };
  const onResponse = (message: unknown) => {
    const call = inFlight.get((message as { request: ClientRequest }).request);
    if (call) call.end = performance.now();
  };
  diagnosticsChannel.subscribe('http.client.request.start', onStart);
  diagnosticsChannel.subscribe('http.client.response.finish', onResponse);
  // Written aside and renamed, so a reader never sees half a file.
  const write = () => {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(awsCallProfile(), null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  const timer = setInterval(write, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    write();
    diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
    diagnosticsChannel.unsubscribe('http.client.response.finish', onResponse);
    installed = false;
  };
}

/**
 * Runs one invocation with its calls attributed to `handler`, then adds them to the profile; `marked`
 * says the request carried the TRACE_HEADER.
 */
export async function tracedInvocation<T>(
  handler: string,
  run: () => Promise<T>,
  marked = false,
): Promise<T> {
  if (!installed || (markedOnly && !marked)) return run();
  const invocation: Invocation = { handler, calls: [] };
  tracing += 1;
  try {
    return await invocations.run(invocation, run);
  } finally {
    tracing -= 1;
    if (tracing === 0) invocations.disable();
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
