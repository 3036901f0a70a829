import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS } from '../../infra/shared/esbuild-options';
import {
  FUNCTION_MEASUREMENTS_FILE,
  type FunctionMeasurements,
  memoryPlanFor,
} from '../../infra/shared/function-memory';
import { PROJECT_ROOT } from '../../infra/shared/project-root';
import { AUDIT_ARCHIVER_BINDINGS } from '../../schemas/audit/env';
import { bindingEnvSchema } from '../../schemas/shared/env';
import { localHandlers } from '../local/environment';
import { median } from './paired-rounds';

/** One function's measurement: its bundle as CDK builds it, and a cold Node process loading it. */
export interface FunctionMeasurement {
  handler: string;
  bundleBytes: number;
  /** Median of the runs: require() of the bundle, which is what Lambda's Init phase runs of our code. */
  initMs: number;
  /** Resident set of that process once the module is loaded (median of the runs), MiB. */
  rssMiB: number;
  /**
   * Resident set once the layer libraries the bundle can load on first use are loaded too (dcmjs, the
   * codecs, sharp, the vendor modules): the most the code itself occupies before a request's data. MiB.
   */
  loadedRssMiB: number;
}

const RUNS = 3;

/**
 * Loads the bundle in a fresh process, as Lambda's Init phase does: the streaming global the runtime
 * provides, then require(). Prints the time the require took and the RSS after it.
 */
const LOADER = [
  'globalThis.awslambda={streamifyResponse:(h)=>h,HttpResponseStream:{from:(s)=>s}};',
  'const t=performance.now();',
  'require(process.argv[1]);',
  'const ms=performance.now()-t;',
  'const rss=process.memoryUsage().rss;',
  'for(const name of JSON.parse(process.argv[2]))require(name);',
  'console.log(JSON.stringify({ms,rss,loadedRss:process.memoryUsage().rss}));',
].join('');

/** The modules a bundle leaves to its layers and can require (at load or on first use). */
function layerModulesRequiredBy(code: string): string[] {
  const external: readonly string[] = HANDLER_BUNDLE_OPTIONS.external;
  return external.filter((name) => code.includes(`require("${name}")`));
}

/**
 * Placeholder values for a handler's env contract. Nothing parses them at load (the composition roots are
 * built on the first request), so the names matter, not the values.
 */
function placeholderEnv(names: readonly string[], handler: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    // The layers' modules (sharp, dcmjs, dcmjs-codecs), which the bundles leave external.
    NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'placeholder',
    AWS_SECRET_ACCESS_KEY: 'placeholder',
    AWS_LAMBDA_FUNCTION_NAME: handler.replaceAll('/', '-'),
    POWERTOOLS_SERVICE_NAME: 'pacscribe-bench',
    ...Object.fromEntries(names.map((name) => [name, 'placeholder'])),
    PRIVACY_POLICY_DIR: path.join(PROJECT_ROOT, 'policies', 'privacy'),
  };
}

/** Bundles each handler with the deploy's options, then times its module initialisation RUNS times. */
export async function measureFunctions(
  handlers: readonly { handler: string; env: readonly string[] }[],
): Promise<FunctionMeasurement[]> {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-functions-'));
  try {
    const results: FunctionMeasurement[] = [];
    for (const { handler, env } of handlers) {
      const dir = path.join(out, handler.replaceAll('/', '-'));
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'index.js');
      await build({
        ...HANDLER_BUNDLE_OPTIONS,
        entryPoints: [path.join(PROJECT_ROOT, 'functions', `${handler}.ts`)],
        outfile: file,
        logLevel: 'silent',
        absWorkingDir: PROJECT_ROOT,
      });
      const libraries = JSON.stringify(layerModulesRequiredBy(readFileSync(file, 'utf8')));
      const runs = Array.from({ length: RUNS }, () => {
        const run = spawnSync(process.execPath, ['-e', LOADER, file, libraries], {
          encoding: 'utf8',
          env: placeholderEnv(env, handler),
          cwd: dir,
        });
        if (run.status !== 0) throw new Error(`${handler} failed to load: ${run.stderr.slice(0, 2000)}`);
        return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
          ms: number;
          rss: number;
          loadedRss: number;
        };
      });
      results.push({
        handler,
        bundleBytes: statSync(file).size,
        initMs: median(runs.map((run) => run.ms)),
        rssMiB: median(runs.map((run) => run.rss)) / 1024 / 1024,
        loadedRssMiB: median(runs.map((run) => run.loadedRss)) / 1024 / 1024,
      });
      console.error(`  ${handler}`);
    }
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every deployed handler (routes and tasks), once each, with the env names its contract declares. */
export function deployedHandlers(): { handler: string; env: string[] }[] {
  const byHandler = new Map<string, Set<string>>();
  // The local stack's handlers, and the one it does not run: the audit archiver reads the audit table's
  // stream, which DynamoDB Local's stand-in for it is not wired to.
  const archiver = {
    handler: 'audit/handlers/archive-audit-records',
    env: bindingEnvSchema(AUDIT_ARCHIVER_BINDINGS),
  };
  for (const { handler, env } of [...localHandlers(), archiver]) {
    const names = byHandler.get(handler) ?? new Set<string>();
    for (const name of Object.keys(env.shape)) names.add(name);
    byHandler.set(handler, names);
  }
  return [...byHandler.entries()]
    .map(([handler, names]) => ({ handler, env: [...names] }))
    .sort((a, b) => a.handler.localeCompare(b.handler));
}

export function measurementTable(results: readonly FunctionMeasurement[]): string[] {
  return [
    '| function | bundle KiB | init ms (median of 3) | RSS after init MiB | RSS with its libraries MiB | request need MiB | memory plan MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((result) => {
      const plan = memoryPlanFor(result.handler, result.loadedRssMiB);
      return `| ${result.handler} | ${(result.bundleBytes / 1024).toFixed(0)} | ${result.initMs.toFixed(0)} | ${result.rssMiB.toFixed(0)} | ${result.loadedRssMiB.toFixed(0)} | ${plan.needMiB} | ${plan.memoryMB} |`;
    }),
  ];
}

/** `npm run bench -- functions [--only TEXT]`: the table, printed; a full run also rewrites its part of docs/functions.md. */
export async function benchFunctions(options: { only?: string }) {
  const handlers = deployedHandlers().filter(
    ({ handler }) => !options.only || handler.includes(options.only),
  );
  console.error(`Bundling and loading ${handlers.length} functions (${RUNS} cold loads each)…`);
  const results = await measureFunctions(handlers);
  const table = measurementTable(results);
  const over = results.filter((result) => result.bundleBytes > 1_048_576).map((result) => result.handler);
  const slow = results.filter((result) => result.initMs > 200).map((result) => result.handler);
  const summary = [
    `Measured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}: ${results.length} functions.`,
    `Over 1 MB: ${over.join(', ') || 'none'}. Init over 200 ms: ${slow.join(', ') || 'none'}.`,
  ];
  console.log([...table, '', ...summary].join('\n'));
  if (options.only) return;
  // What the deploy sizes each function's memory from (infra/shared/function-memory.ts).
  const measured: FunctionMeasurements = {
    measuredAt: new Date().toISOString(),
    machine: `${process.platform}/${process.arch}, Node ${process.version}`,
    functions: Object.fromEntries(
      results.map((result) => [
        result.handler,
        {
          bundleKiB: Math.round(result.bundleBytes / 1024),
          initMs: Math.round(result.initMs),
          initRssMiB: Math.round(result.rssMiB),
          loadedRssMiB: Math.round(result.loadedRssMiB),
        },
      ]),
    ),
  };
  writeFileSync(FUNCTION_MEASUREMENTS_FILE, `${JSON.stringify(measured, null, 2)}\n`);
  // The generated part sits between two markers; the prose around it is written by hand.
  const doc = path.join(PROJECT_ROOT, 'docs', 'functions.md');
  const text = readFileSync(doc, 'utf8');
  const [before, rest] = text.split(BEGIN);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined)
    throw new Error(`${doc} lacks the ${BEGIN} … ${END} markers`);
  writeFileSync(doc, [before, BEGIN, '\n', [...summary, '', ...table].join('\n'), '\n', END, after].join(''));
}

const BEGIN = '<!-- bench:functions:begin -->';
const END = '<!-- bench:functions:end -->';
