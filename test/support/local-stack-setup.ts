import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_STACK_NODE_ARGS } from '../../scripts/local/node-args';

declare global {
  var __PACSCRIBE_LOCAL_STACK__: ChildProcess | undefined;
}

/**
 * Boots the local stack exactly as `npm start` does (same entry point), on free ports and in a fresh
 * data folder, and tells the test workers where it is through PACSCRIBE_LOCAL_CONFIG.
 */
export default async function setup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pacscribe-it-'));
  const child = spawn(
    process.execPath,
    [...LOCAL_STACK_NODE_ARGS, '--data-dir', dataDir, '--ephemeral-ports', '--reset'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The suites sign up many organizations from 127.0.0.1, so it is exempt from the sign-up rate
      // limit, by name; the limit itself (the WAF's) is tested from another loopback address.
      // The policy suite needs more than one version: its fixtures (1 = the repository's, 2 material, 3 not).
      env: {
        ...process.env,
        NODE_NO_WARNINGS: '1',
        PACSCRIBE_LOCAL_RATE_LIMIT_EXEMPT_IPS: '127.0.0.1',
        PACSCRIBE_PRIVACY_POLICY_DIR: path.join(root, 'test', 'fixtures', 'policies', 'privacy'),
        // Small export parts, so that a test organization spans several.
        EXPORT_PART_MAX_BYTES: String(1024 * 1024),
        // Per-route AWS call counts and sequential round trips, for the critical-path test.
        PACSCRIBE_TRACE_AWS_CALLS: `${dataDir}-aws-calls.json`,
      },
    },
  );
  // Everything the stack prints (its operational logs included) is kept for the PHI canary test.
  // Beside the data folder, not in it: --reset empties the folder at start.
  const logPath = `${dataDir}.log`;
  const log = createWriteStream(logPath);
  let output = '';
  const capture = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 100_000) output += chunk;
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  globalThis.__PACSCRIBE_LOCAL_STACK__ = child;
  const configPath = path.join(dataDir, 'local.json');
  const deadline = Date.now() + 60_000;
  while (!(existsSync(configPath) && output.includes('PACScribe is ready'))) {
    if (child.exitCode !== null) throw new Error(`local stack exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local stack not ready within 60 s:\n${output}`);
    }
    await sleep(100);
  }
  JSON.parse(readFileSync(configPath, 'utf8'));
  process.env.PACSCRIBE_LOCAL_CONFIG = configPath;
  process.env.PACSCRIBE_LOCAL_LOG = logPath;
  process.env.PACSCRIBE_AWS_CALL_PROFILE = `${dataDir}-aws-calls.json`;
}
