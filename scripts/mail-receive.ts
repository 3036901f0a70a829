import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { build, stop as stopEsbuild } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS } from '../infra/shared/esbuild-options';
import { PROJECT_ROOT } from '../infra/shared/project-root';
import { SUPPORT_MAIL_INTAKE_HANDLER } from './local/environment';
import { lambdaContext } from './local/lambda-registry';
import type { LocalConfig } from './local/stack';

const USAGE = `Feeds a mail to the local stack's support intake, as SES receiving does in AWS: the raw message is
stored in the inbound bucket, then the same filing function runs on it. Mail from a member's address
opens a ticket in their organization (see the local inbox for the receipt); any other opens nothing.

  npm run mail:receive -- FILE.eml [--data-dir DIR]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } },
});
const file = positionals[0];
if (values.help || !file) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

const dataDir = path.resolve(values['data-dir'] ?? path.join(__dirname, '..', '.pacscribe'));
const config = JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8')) as LocalConfig;
// The handler reads its bindings' env, as in the running stack.
Object.assign(process.env, config.handlerEnv, {
  AWS_REGION: config.region,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER',
});

/** The handler bundled exactly as CDK bundles it (middy is ESM-only: it cannot be required unbundled). */
async function bundledHandler(handlerModule: string) {
  const result = await build({
    ...HANDLER_BUNDLE_OPTIONS,
    entryPoints: [path.join(PROJECT_ROOT, 'functions', `${handlerModule}.ts`)],
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  await stopEsbuild();
  // Inside the project, so the modules the bundle leaves to its layers resolve from node_modules.
  const dir = path.join(PROJECT_ROOT, '.pacscribe', `mail-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'handler.cjs');
  writeFileSync(file, result.outputFiles[0]?.text ?? '');
  try {
    return (
      createRequire(__filename)(file) as { handler: (event: unknown, context: Context) => Promise<unknown> }
    ).handler;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** After the env is set: the AWS clients read their endpoints from it when first built. */
async function main(file: string): Promise<void> {
  const { s3Client } = await import('../functions/shared/aws/clients');
  const handler = await bundledHandler(SUPPORT_MAIL_INTAKE_HANDLER);
  const messageId = randomUUID();
  await s3Client().send(
    new PutObjectCommand({
      Bucket: config.handlerEnv.SUPPORT_INBOUND_MAIL_BUCKET_NAME,
      Key: `${config.handlerEnv.SUPPORT_INBOUND_MAIL_PREFIX}${messageId}`,
      Body: readFileSync(file),
    }),
  );
  const pass = { status: 'PASS' };
  const result = await handler(
    {
      Records: [
        {
          ses: {
            mail: { messageId },
            receipt: { spamVerdict: pass, virusVerdict: pass, spfVerdict: pass, dkimVerdict: pass },
          },
        },
      ],
    },
    lambdaContext(SUPPORT_MAIL_INTAKE_HANDLER.replaceAll('/', '-')),
  );
  console.log(JSON.stringify(result));
}

main(file).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
