import { createCipheriv } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import S3rver from 's3rver';
import { forkService, serveAsChild } from '../child-service';

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

/** The buckets browsers upload to, and the origins allowed to. */
interface BrowserUploads {
  buckets: readonly string[];
  origins: readonly string[];
}

/**
 * Node flags a process that runs s3rver needs. s3rver encrypts ListObjectsV2 continuation tokens with DES,
 * which OpenSSL 3 refuses unless its legacy provider is loaded: without it, every listing longer than a
 * page (1,000 keys) fails with InternalError, such as the audit witness resuming after 1,000 checkpoints.
 */
export const S3RVER_NODE_FLAGS = ['--openssl-legacy-provider'] as const;

function assertContinuationTokensWork(): void {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    throw new Error(
      `s3rver cannot page its listings in this process: start it with ${S3RVER_NODE_FLAGS.join(' ')}`,
    );
  }
}

/**
 * s3rver on disk under dataDir; credentials must be S3RVER/S3RVER (set by the local stack env).
 * `browserUploads` names the buckets browsers upload to and the origins allowed to.
 */
export async function startS3(
  dataDir: string,
  port: number,
  bucketNames: readonly string[],
  browserUploads?: BrowserUploads,
) {
  assertContinuationTokensWork();
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
  // Port 0 asks for any free port: the one bound is the endpoint.
  const bound = (await server.run()) as { port: number };
  return { endpoint: `http://127.0.0.1:${bound.port}`, stop: () => server.close() };
}

interface S3ProcessConfig {
  dataDir: string;
  port: number;
  bucketNames: readonly string[];
  browserUploads?: BrowserUploads;
}

/**
 * The same s3rver in a process of its own, as S3 is not in a Lambda's process: its file and socket work
 * for every stored or read object then does not run on the event loop the handlers answer on.
 */
export async function startS3Process(
  dataDir: string,
  port: number,
  bucketNames: readonly string[],
  browserUploads?: BrowserUploads,
) {
  const s3 = await forkService<S3ProcessConfig, { endpoint: string }>(
    __filename,
    { dataDir, port, bucketNames, browserUploads },
    // An upload's parts are written before it answers; none takes long.
    {
      name: 'local S3 (s3rver)',
      // Its live heap is small; V8's default young generation (128 MiB) would be most of its memory.
      maxSemiSpaceMiB: 4,
      nodeFlags: S3RVER_NODE_FLAGS,
      stopGraceMs: 5_000,
    },
  );
  return { endpoint: s3.info.endpoint, stop: s3.stop };
}

if (require.main === module && process.send) {
  serveAsChild(async (config: S3ProcessConfig) => {
    const server = await startS3(config.dataDir, config.port, config.bucketNames, config.browserUploads);
    return { info: { endpoint: server.endpoint }, stop: server.stop };
  });
}
