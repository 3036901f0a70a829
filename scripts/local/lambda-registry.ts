import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { PROJECT_ROOT } from '../../infra/shared/project-root';
import { installLambdaStreamingShim } from './lambda-streaming';
import { loadBundle, localBundle } from './local-bundle';

export { PROJECT_ROOT };

// Streaming handlers call the runtime's `awslambda` global when their module loads.
installLambdaStreamingShim();

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;
type HandlerModules = Readonly<Record<string, { handler?: LambdaHandler }>>;

/** Every module under functions/<context>/handlers, named as routes and workflows name them. */
function handlerModules(): string[] {
  const functionsDir = path.join(PROJECT_ROOT, 'functions');
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((context) => {
      const dir = path.join(functionsDir, context.name, 'handlers');
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
        .map((file) => `${context.name}/handlers/${file.slice(0, -'.ts'.length)}`);
    })
    .sort();
}

/**
 * Every handler in one esbuild bundle, built from the same entries CDK deploys one by one (so ESM-only
 * dependencies such as middy resolve exactly as in AWS). One bundle rather than one per function keeps
 * the AWS SDK, middy and zod in memory once: forty separate bundles held over a gigabyte of code and
 * source maps.
 */
export async function buildHandlerBundle(): Promise<string> {
  const modules = handlerModules();
  const contents = [
    ...modules.map((module, index) => `import * as m${index} from './functions/${module}';`),
    `export const modules = { ${modules.map((module, index) => `${JSON.stringify(module)}: m${index}`).join(', ')} };`,
  ].join('\n');
  return localBundle({
    stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'local-handlers.ts' },
  });
}

async function bundleAll(): Promise<HandlerModules> {
  return (await loadBundle<{ modules: HandlerModules }>('handlers', buildHandlerBundle)).modules;
}

let bundled: Promise<HandlerModules> | undefined;

/** Bundles and loads every handler once; the local stack calls it before it reports ready. */
export function loadHandlers(): Promise<HandlerModules> {
  if (!bundled) {
    bundled = bundleAll();
    bundled.catch(() => {
      bundled = undefined;
    });
  }
  return bundled;
}

export async function loadHandler(handlerModule: string): Promise<LambdaHandler> {
  const handler = (await loadHandlers())[handlerModule]?.handler;
  if (typeof handler !== 'function') throw new Error(`${handlerModule} exports no handler`);
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

/**
 * Runs a handler as Lambda would: its context's remaining time is the function's timeout (middy ends the
 * invocation with a TimeoutError just before it), 29 s unless the caller knows the function's own.
 */
export async function invokeLocal(
  handlerModule: string,
  event: unknown,
  timeoutMs?: number,
): Promise<unknown> {
  const handler = await loadHandler(handlerModule);
  return handler(event, lambdaContext(handlerModule.replaceAll('/', '-'), timeoutMs));
}
