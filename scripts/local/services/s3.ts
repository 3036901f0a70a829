import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import S3rver from 's3rver';

/** The parts of s3rver (a Koa app) its type declarations leave out. */
interface S3rverInternals {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

/**
 * s3rver has no AbortMultipartUpload (DELETE ?uploadId); this adds it in front of s3rver's router so
 * upload sessions run the same code path locally as in AWS.
 */
function abortMultipartUpload(server: S3rver) {
  const internals = server as unknown as S3rverInternals;
  internals.middleware.unshift(async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    const bucket = ctx.path.split('/')[1] ?? '';
    const directory = path.join(internals.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    if (!/^[0-9a-f]{32}$/.test(uploadId) || !existsSync(directory)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code></Error>';
      return;
    }
    await rm(directory, { recursive: true, force: true });
    ctx.status = 204;
  });
}

/**
 * The bucket CORS rule AWS has on the imaging bucket for the web console: browsers PUT upload-session
 * parts to presigned URLs and must read each part's ETag to complete the upload.
 */
function browserUploadCors(origins: readonly string[]): Buffer {
  const rules = origins
    .map(
      (origin) =>
        `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>` +
        '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule>',
    )
    .join('');
  return Buffer.from(`<CORSConfiguration>${rules}</CORSConfiguration>`);
}

export interface S3Options {
  dataDir: string;
  port: number;
  bucketNames: readonly string[];
  /** The buckets browsers upload to and the origins allowed to. */
  browserUploads?: { buckets: readonly string[]; origins: readonly string[] };
}

/** s3rver on disk under dataDir, on the calling thread; credentials must be S3RVER/S3RVER. */
export async function serveS3({ dataDir, port, bucketNames, browserUploads }: S3Options) {
  mkdirSync(dataDir, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: dataDir,
    silent: true,
    configureBuckets: bucketNames.map((name) => ({
      name,
      configs: browserUploads?.buckets.includes(name) ? [browserUploadCors(browserUploads.origins)] : [],
    })),
  });
  abortMultipartUpload(server);
  await server.run();
  return { stop: () => server.close() };
}

/**
 * s3rver on a thread of its own (s3-thread.ts), so the stand-in does not take turns with the handlers on
 * the stack's event loop: in AWS, S3 runs nowhere near a function's thread, and sharing one made the
 * byte-heavy benchmark rows charge s3rver's work to PACScribe. Still one process.
 */
/** The S3 stand-in thread's heap: s3rver streams bodies, so it needs little. */
const S3_THREAD_HEAP_MB = 128;

export async function startS3(
  dataDir: string,
  port: number,
  bucketNames: readonly string[],
  browserUploads?: S3Options['browserUploads'],
) {
  const options: S3Options = { dataDir, port, bucketNames, ...(browserUploads ? { browserUploads } : {}) };
  // The stack runs under tsx (`--import tsx`), whose hooks a worker does not inherit: it registers them.
  const entry = path.join(__dirname, 's3-thread.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: options,
    // Bodies stream through s3rver to and from disk; a bound keeps its heap from growing with the load.
    resourceLimits: { maxOldGenerationSizeMb: S3_THREAD_HEAP_MB },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the S3 stand-in's thread exited (${code}) before it listened`)),
    );
  });
  worker.on('error', (error) => console.error('the S3 stand-in failed:', error));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
