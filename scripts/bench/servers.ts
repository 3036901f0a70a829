import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_STACK_NODE_ARGS } from '../local/node-args';
import { type CollectorTrace, collectorTraceFor } from './collector-trace';

export interface RunningServer {
  name: string;
  baseUrl: string;
  /** Orthanc's own REST API (instances, the DICOMweb client's /dicom-web/servers/…). */
  restUrl?: string;
  /** Every process whose memory counts for this server. */
  pids: () => number[];
  stop: () => Promise<void>;
}

const ORTHANC = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** A DICOMweb server Orthanc's own DICOMweb client may push to and pull from (its DicomWeb.Servers). */
export interface OrthancDicomwebPeer {
  url: string;
  httpHeaders?: Record<string, string>;
}

export interface OrthancOptions {
  /** Peers by name, e.g. PACScribe's local stack with a bearer token. */
  dicomwebServers?: Record<string, OrthancDicomwebPeer>;
  /** PEM file of the CAs Orthanc trusts for HTTPS peers (the local stack's certificate). */
  httpsCaCertificates?: string;
}

/**
 * Orthanc from Debian's packages, installed on first use, on loopback only, with its DICOMweb plugin: the
 * benchmark's peer, and the real client the interoperability tests push through.
 */
export async function startOrthanc(options: OrthancOptions = {}): Promise<RunningServer> {
  if (!existsSync(ORTHANC) || !existsSync(DICOMWEB_PLUGIN)) {
    console.error('Installing Orthanc and its DICOMweb plugin from Debian packages…');
    const install = spawnSync(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', 'orthanc', 'orthanc-dicomweb'],
      {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
    );
    if (install.status !== 0)
      throw new Error(
        'Could not install orthanc and orthanc-dicomweb (run: apt-get install orthanc orthanc-dicomweb)',
      );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-orthanc-'));
  const port = await freePort();
  const config = path.join(dir, 'orthanc.json');
  writeFileSync(
    config,
    JSON.stringify({
      Name: 'bench',
      StorageDirectory: path.join(dir, 'storage'),
      IndexDirectory: path.join(dir, 'index'),
      HttpPort: port,
      DicomServerEnabled: false,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      HttpCompressionEnabled: false,
      Plugins: [DICOMWEB_PLUGIN],
      ...(options.httpsCaCertificates
        ? { HttpsVerifyPeers: true, HttpsCACertificates: options.httpsCaCertificates }
        : {}),
      DicomWeb: {
        Enable: true,
        Root: '/dicom-web/',
        EnableWado: false,
        Servers: Object.fromEntries(
          Object.entries(options.dicomwebServers ?? {}).map(([name, peer]) => [
            name,
            { Url: peer.url, HttpHeaders: peer.httpHeaders ?? {} },
          ]),
        ),
      },
    }),
  );
  const child = spawn(ORTHANC, [config], { stdio: 'ignore' });
  const restUrl = `http://127.0.0.1:${port}`;
  const baseUrl = `http://127.0.0.1:${port}/dicom-web`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/system`)).ok) break;
    } catch {
      await sleep(100);
    }
  }
  return {
    name: 'Orthanc 1.10 + DICOMweb plugin',
    baseUrl,
    restUrl,
    pids: () => (child.pid ? [child.pid] : []),
    // The stored copies are gigabytes at the benchmark's sizes; nothing reads them after the run.
    stop: () => stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

/** What the local stack prints once it serves (scripts/local/start.ts). */
const READY_LINE = 'PACScribe is ready';

/** PACScribe's local stack in its own process, exactly as `npm start` runs it. */
export async function startPacscribe(options: { nodeArgs?: string[] } = {}): Promise<
  RunningServer & {
    config: {
      apiUrl: string;
      caCertPath: string;
      users: { email: string; password: string; role: string }[];
      cognito: { endpoint: string; clientId: string };
      region: string;
      endpoints: { dynamodb: string; s3: string };
      imagingBucket: string;
    };
    /** Where the stack writes its per-route AWS call profile. */
    awsCallProfile: string;
    /** The stack's garbage collections, when it was started with the collector's trace flags. */
    collector?: CollectorTrace;
  }
> {
  const root = path.resolve(__dirname, '../..');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pacscribe-'));
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...LOCAL_STACK_NODE_ARGS,
      '--data-dir',
      dataDir,
      '--ephemeral-ports',
      '--reset',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // One organization drives the whole load, far past what the per-organization allowance admits in AWS:
      // the benchmark measures the stack's ceiling, so the allowance is lifted (and still counted).
      env: {
        ...process.env,
        NODE_NO_WARNINGS: '1',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        ORGANIZATION_REQUESTS_PER_MINUTE: '100000000',
        ORGANIZATION_RENDERS_PER_MINUTE: '100000000',
        ORGANIZATION_STORES_PER_MINUTE: '100000000',
        // Per-route AWS calls and sequential round trips, reported beside the rows (aws-call-trace.ts).
        // Only requests marked for it (the benchmark's own pass): the timed rows run untraced.
        PACSCRIBE_TRACE_AWS_CALLS: `${dataDir}-aws-calls.json`,
        PACSCRIBE_TRACE_AWS_CALLS_MARKED: '1',
      },
    },
  );
  let output = '';
  let stdoutTail = '';
  let ready = false;
  // Everything the stack prints, beside its data folder, for when a run fails.
  const log = createWriteStream(`${dataDir}.log`);
  const collector = collectorTraceFor(options.nodeArgs);
  const capture = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 50_000) output += chunk;
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    capture(chunk);
    collector?.feed(chunk);
    // The start's output kept above could fill with the collector's lines first, so readiness is looked
    // for in what just arrived on stdout (after the end of what came before, for a cut line).
    const seen = stdoutTail + chunk.toString();
    ready ||= seen.includes(READY_LINE);
    stdoutTail = seen.slice(-READY_LINE.length);
  });
  child.stderr?.on('data', capture);
  console.error(`PACScribe's local stack logs to ${dataDir}.log`);
  const configPath = path.join(dataDir, 'local.json');
  while (!(existsSync(configPath) && ready)) {
    if (child.exitCode !== null) throw new Error(`PACScribe did not start:\n${output}`);
    await sleep(100);
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  const pids = () => {
    const javaChildren = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    return [child.pid ?? 0, ...javaChildren].filter(Boolean);
  };
  return {
    name: 'PACScribe (local stack)',
    baseUrl: `${config.apiUrl}/dicomweb`,
    pids,
    // The data folder only (gigabytes at the benchmark's sizes); its log and call profile stay beside it.
    stop: () => {
      // A witness still held (SIGSTOP) by a run that failed could not hear the stack stop, and would stay.
      for (const pid of pids()) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      return stopChild(child).then(() => rmSync(dataDir, { recursive: true, force: true }));
    },
    config,
    awsCallProfile: `${dataDir}-aws-calls.json`,
    ...(collector ? { collector } : {}),
  };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 once it has gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat; after the command they are the 12th and 13th.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** How long the witness must use no CPU to count as caught up: longer than its 2 s between looks. */
const ARCHIVER_IDLE_MS = 2_500;
/** The longest a catch-up is waited for; a witness still busy then is reported, not waited on. */
const ARCHIVER_CATCH_UP_LIMIT_MS = 180_000;

/** A child of the local stack among its processes (the stack first, then its children), by command line. */
function stackChildPid(stackPids: number[], commandFragment: string): number | undefined {
  return stackPids.slice(1).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(commandFragment);
    } catch {
      return false;
    }
  });
}

/** The local stack's child processes: what each is, and a fragment of its command line that tells it. */
const STACK_CHILDREN = {
  dynamodb: { name: 'DynamoDB Local', command: 'DynamoDBLocal' },
  s3: { name: 's3rver', command: 'local/services/s3.ts' },
  witness: { name: 'the audit witness', command: 'audit-witness' },
} as const;

/** What one of the local stack's child processes is, by its command line. */
function stackProcessName(pid: number): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return Object.values(STACK_CHILDREN).find((child) => command.includes(child.command))?.name ?? 'other';
  } catch {
    return 'other';
  }
}

/**
 * Each of the local stack's processes' own peak resident memory (VmHWM), in MiB, by what it is. Peaks
 * of different processes need not coincide: their sum can exceed what the stack held at any one moment.
 */
export function peakMemoryByProcess(stackPids: number[]): { process: string; mib: number }[] {
  const byName = new Map<string, number>();
  stackPids.forEach((pid, index) => {
    const name = index === 0 ? "the stack's Node process" : stackProcessName(pid);
    byName.set(name, (byName.get(name) ?? 0) + peakMemoryMiB([pid]));
  });
  return [...byName].map(([process, mib]) => ({ process, mib }));
}

/** The local stack's audit witness, the archiver's stand-in. */
export const auditWitnessPid = (stackPids: number[]) =>
  stackChildPid(stackPids, STACK_CHILDREN.witness.command);
/**
 * CPU time of the given processes over a span of work, from /proc (10 ms ticks): call it before, and the
 * function it returns after, with the requests made, for each process's CPU milliseconds per request.
 */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : 0]),
  );
  return (requests: number): Record<string, number> =>
    Object.fromEntries(
      Object.entries(pids)
        .filter((entry): entry is [string, number] => Boolean(entry[1]))
        .map(([name, pid]) => [name, ((cpuSeconds(pid) - (before[name] ?? 0)) * 1000) / requests]),
    );
}

/** The local stack's s3rver, S3's stand-in. */
export const localS3Pid = (stackPids: number[]) => stackChildPid(stackPids, STACK_CHILDREN.s3.command);
/** The local stack's DynamoDB Local JVM. */
export const localDynamoDbPid = (stackPids: number[]) =>
  stackChildPid(stackPids, STACK_CHILDREN.dynamodb.command);

/**
 * The local stack's audit witness, the archiver's stand-in, held still during timed work. In AWS the
 * archiver is a function of its own: its CPU never competes with the handlers', nor with anything else
 * measured. On this 2-core machine it would, and its backlog from PACScribe's rows would run during the
 * next server's or the ceiling's rows. So each timed phase (of every server and ceiling) starts once the
 * witness has caught up and runs with it stopped (SIGSTOP); its CPU is counted and reported apart.
 */
export function localArchiverHold(stackPids: () => number[]) {
  const witness = auditWitnessPid(stackPids());
  if (!witness) throw new Error('the local stack has no audit witness process to hold');
  const started = cpuSeconds(witness);
  let catchUpMs = 0;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(witness, name);
    } catch {
      // the stack has stopped
    }
  };
  /** Lets the witness run until it has used no CPU for ARCHIVER_IDLE_MS. */
  const catchUp = async () => {
    // A run without its witness would report the stack's memory and CPU without it, and look better.
    if (!processExists(witness)) {
      throw new Error("the local stack's audit witness has exited (its log says how); the run cannot go on");
    }
    signal('SIGCONT');
    const from = performance.now();
    let last = cpuSeconds(witness);
    let quietSince = performance.now();
    while (performance.now() - quietSince < ARCHIVER_IDLE_MS) {
      if (performance.now() - from > ARCHIVER_CATCH_UP_LIMIT_MS) {
        console.error('The audit witness was still busy after the catch-up limit; going on.');
        break;
      }
      await sleep(200);
      const now = cpuSeconds(witness);
      if (now > last) quietSince = performance.now();
      last = now;
    }
    catchUpMs += performance.now() - from;
  };
  return {
    /** Runs timed work with the witness caught up first and stopped throughout. */
    async quiet<T>(work: () => Promise<T>): Promise<T> {
      await catchUp();
      signal('SIGSTOP');
      return work();
    },
    /** Lets it run again (before the stack stops, or work that is not timed). */
    release: () => signal('SIGCONT'),
    catchUp,
    /** The witness's CPU seconds since it was found, and the wall seconds spent letting it catch up. */
    usage: () => ({ cpuSeconds: cpuSeconds(witness) - started, catchUpSeconds: catchUpMs / 1000 }),
  };
}

/** Whether a process is still there (signal 0 checks without touching it). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resets the peak resident memory (VmHWM) of the given processes to their current size (Linux:
 * clear_refs 5), so that a following peakMemoryMiB measures one phase only.
 */
export function resetPeakMemory(pids: number[]): void {
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // the process has gone, or the kernel does not offer it: the peak then covers the whole run
    }
  }
}

/** Current resident memory (VmRSS) of the given processes, in MiB. */
export function residentMemoryMiB(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // the process has gone
    }
  }
  return kib / 1024;
}

/** Peak resident memory (VmHWM) of the given processes, in MiB. */
export function peakMemoryMiB(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // the process has gone
    }
  }
  return kib / 1024;
}

/** A demo user's access token from the local stack's Cognito, the way real clients sign in. */
export async function localSignIn(
  cognito: { endpoint: string; clientId: string },
  user: { email: string; password: string },
): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.clientId,
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    return AuthenticationResult?.AccessToken ?? '';
  } finally {
    client.destroy();
  }
}
