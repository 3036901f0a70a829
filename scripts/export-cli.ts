import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { get, request } from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SingleBar } from 'cli-progress';
import { ExportResponseSchema, type ExportView } from '../schemas/exports/exports';
import type { LocalConfig } from './local/stack';

const USAGE = `Export a whole organization (administrators and ops) [PP-14, PP-15]: starts an export (or
follows the one already running), shows its progress, downloads every part and checks each against the
SHA-256 PACScribe reports. Part 1 is written to FILE, part N to FILE with -partN before its extension.

  npm run export -- --org ORG_ID --out FILE          the local stack (npm start): signs in as that
                                                     organization's demo administrator
  npm run export -- --out FILE --api-url https://api.example --region us-east-1 \\
      --client-id CLIENT --email you@clinic.example  an AWS deployment; the password is read from
                                                     PACSCRIBE_PASSWORD
Options: --data-dir DIR (local stack data folder, default .pacscribe), --poll-seconds N (default 2)`;

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    'api-url': { type: 'string' },
    region: { type: 'string' },
    'client-id': { type: 'string' },
    email: { type: 'string' },
    'poll-seconds': { type: 'string', default: '2' },
    help: { type: 'boolean' },
  },
});

interface Target {
  apiUrl: string;
  /** The local stack's own certificate; in AWS the system's trust store. */
  ca: Buffer | undefined;
  token: string;
}

async function signIn(
  cognito: { endpoint?: string; region: string; clientId: string },
  email: string,
  password: string,
) {
  const client = new CognitoIdentityProviderClient({
    region: cognito.region,
    ...(cognito.endpoint
      ? { endpoint: cognito.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  try {
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (!AuthenticationResult?.AccessToken) throw new Error('sign-in returned no token (MFA required?)');
    return AuthenticationResult.AccessToken;
  } finally {
    client.destroy();
  }
}

async function target(): Promise<Target> {
  if (values['api-url']) {
    const { region, email } = values;
    const clientId = values['client-id'];
    const password = process.env.PACSCRIBE_PASSWORD;
    if (!region || !clientId || !email || !password) {
      throw new Error('--api-url needs --region, --client-id, --email and PACSCRIBE_PASSWORD');
    }
    return {
      apiUrl: values['api-url'].replace(/\/$/, ''),
      ca: undefined,
      token: await signIn({ region, clientId }, email, password),
    };
  }
  const configPath = path.join(values['data-dir'] ?? '.pacscribe', 'local.json');
  if (!existsSync(configPath)) throw new Error(`${configPath} not found: start the local stack (npm start)`);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as LocalConfig;
  const admin = config.users.find(
    (user) => user.kind === 'customer' && user.role === 'administrator' && user.orgId === values.org,
  );
  if (!admin) throw new Error(`no demo administrator of organization ${values.org} in ${configPath}`);
  return {
    apiUrl: config.apiUrl,
    ca: readFileSync(config.caCertPath),
    token: await signIn(
      { endpoint: config.cognito.endpoint, region: config.region, clientId: config.cognito.clientId },
      admin.email,
      admin.password,
    ),
  };
}

function call(
  where: Target,
  method: string,
  route: string,
  accept = 'application/json',
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${where.apiUrl}${route}`,
      {
        method,
        headers: { authorization: `Bearer ${where.token}`, accept },
        ...(where.ca ? { ca: where.ca } : {}),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const exportOf = (body: string): ExportView => ExportResponseSchema.parse(JSON.parse(body)).export;

/** Downloads one part from its presigned URL while hashing it; returns the SHA-256. */
async function download(url: string, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  // The local S3 stand-in answers plain HTTP on loopback; S3 itself only HTTPS.
  const client = url.startsWith('https:') ? get : (await import('node:http')).get;
  const incoming = await new Promise<IncomingMessage>((resolve, reject) =>
    client(url, resolve).on('error', reject),
  );
  if (incoming.statusCode !== 200) throw new Error(`part download answered ${incoming.statusCode}`);
  incoming.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(incoming, createWriteStream(file));
  return { sha256: hash.digest('hex'), bytes };
}

const partFile = (out: string, part: number) => {
  if (part === 1) return out;
  const extension = path.extname(out);
  return `${out.slice(0, out.length - extension.length)}-part${part}${extension}`;
};

async function main() {
  if (values.help || !values.out || (!values.org && !values['api-url'])) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const where = await target();
  const started = await call(where, 'POST', '/v1/exports');
  if (started.status !== 202 && started.status !== 200) {
    throw new Error(`export request answered ${started.status}: ${started.body}`);
  }
  let current = exportOf(started.body);
  console.error(
    started.status === 202
      ? `Export ${current.exportId} started.`
      : `Export ${current.exportId} was already running; following it.`,
  );
  const bar = new SingleBar({
    format: 'Exporting [{bar}] {percentage}% | {value}/{total} items | {mb} of {mbTotal} MB',
    stream: process.stderr,
  });
  bar.start(1, 0, { mb: 0, mbTotal: 0 });
  const pollMs = Number(values['poll-seconds']) * 1000;
  while (current.status === 'running') {
    await sleep(pollMs);
    const polled = await call(where, 'GET', `/v1/exports/${current.exportId}`);
    if (polled.status !== 200) throw new Error(`export status answered ${polled.status}`);
    current = exportOf(polled.body);
    const { progress } = current;
    bar.setTotal(Math.max(progress.itemsTotal, 1));
    bar.update(progress.itemsDone, {
      mb: (progress.bytesDone / 1e6).toFixed(1),
      mbTotal: (progress.bytesTotal / 1e6).toFixed(1),
    });
  }
  bar.stop();
  if (current.status !== 'succeeded') {
    throw new Error(
      `export ${current.exportId} ended ${current.status}${current.failure ? `: ${current.failure}` : ''}`,
    );
  }
  for (const part of current.parts) {
    // Each download is recorded (DICOM Export) by PACScribe before the short-lived URL is issued.
    const issued = await call(where, 'GET', part.downloadUrl);
    if (issued.status !== 200) throw new Error(`part ${part.part} answered ${issued.status}`);
    const { url } = JSON.parse(issued.body) as { url: string };
    const file = partFile(values.out, part.part);
    const got = await download(url, file);
    if (got.sha256 !== part.sha256 || got.bytes !== part.sizeBytes) {
      throw new Error(`part ${part.part}: the download does not match its SHA-256; try again`);
    }
    console.error(
      `Part ${part.part}: ${file} (${(got.bytes / 1e6).toFixed(1)} MB, SHA-256 ${got.sha256}) verified.`,
    );
  }
  console.log(
    JSON.stringify({ exportId: current.exportId, parts: current.parts.length, progress: current.progress }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
