import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { build, stop as stopEsbuild } from 'esbuild';
import { installLambdaStreamingShim } from './lambda-streaming';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

// Streaming handlers call the runtime's `awslambda` global when their module loads.
installLambdaStreamingShim();

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<LambdaHandler>>();

const bundleDir = path.join(tmpdir(), `pacscribe-local-${process.pid}`);
const requireBundle = createRequire(__filename);

/**
 * Loads a handler the way Lambda would: bundled by esbuild from the same entry CDK deploys
 * (so ESM-only dependencies such as middy resolve exactly as in AWS), once, on first invocation.
 */
let bundling = 0;
let idleStop: NodeJS.Timeout | undefined;

/** esbuild's service process holds ~250 MB; it is stopped once bundling goes quiet and restarts on demand. */
function stopEsbuildWhenIdle() {
  clearTimeout(idleStop);
  // Checked again when the timer fires: stop() during a build leaves that build pending forever.
  if (bundling > 0) return;
  idleStop = setTimeout(() => {
    if (bundling === 0) void stopEsbuild();
  }, 2000).unref();
}

async function bundleHandler(handlerModule: string): Promise<LambdaHandler> {
  clearTimeout(idleStop);
  bundling += 1;
  try {
    return await bundleAndLoad(handlerModule);
  } finally {
    bundling -= 1;
    stopEsbuildWhenIdle();
  }
}

async function bundleAndLoad(handlerModule: string): Promise<LambdaHandler> {
  const entry = path.join(PROJECT_ROOT, 'functions', `${handlerModule}.ts`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error(`bundling ${handlerModule} produced no output`);
  mkdirSync(bundleDir, { recursive: true });
  const file = path.join(bundleDir, `${handlerModule.replaceAll('/', '__')}.cjs`);
  writeFileSync(file, code);
  const module = requireBundle(file) as { handler?: LambdaHandler };
  if (typeof module.handler !== 'function') throw new Error(`${handlerModule} exports no handler`);
  return module.handler;
}

export function loadHandler(handlerModule: string): Promise<LambdaHandler> {
  let handler = loaded.get(handlerModule);
  if (!handler) {
    handler = bundleHandler(handlerModule);
    handler.catch(() => loaded.delete(handlerModule));
    loaded.set(handlerModule, handler);
  }
  return handler;
}

export function lambdaContext(functionName: string, timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(functionName),
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function localFunctionArn(functionName: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`;
}

export async function invokeLocal(handlerModule: string, event: unknown): Promise<unknown> {
  const handler = await loadHandler(handlerModule);
  return handler(event, lambdaContext(handlerModule.replaceAll('/', '-')));
}
