import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_STACK_NODE_ARGS } from '../../../scripts/local/node-args';
import { alive } from '../../support/processes';

/** Inodes of the TCP sockets listening on `port` (the kernel's table: local address and port in hex, state 0A). */
function listeningInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[9] ?? ''),
  );
}

/** Inodes of the sockets a process holds open (its fd links read socket:[inode]). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

describe('the local stack process', () => {
  it("serves S3 from a child process of its own, and leaves neither it nor DynamoDB Local's JVM behind when it is killed outright", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pacscribe-lifecycle-'));
    const stack = spawn(
      process.execPath,
      [...LOCAL_STACK_NODE_ARGS, '--data-dir', dataDir, '--ephemeral-ports', '--reset'],
      {
        cwd: path.resolve(__dirname, '../../..'),
        stdio: 'ignore',
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      },
    );
    const javaPid = async () => {
      for (let tries = 0; tries < 300; tries += 1) {
        const children = spawnSync('pgrep', ['-P', String(stack.pid), 'java'], { encoding: 'utf8' }).stdout;
        const pid = Number(children.trim().split('\n')[0]);
        if (pid > 0) return pid;
        await sleep(100);
      }
      throw new Error('DynamoDB Local never started');
    };
    const java = await javaPid();
    while (!existsSync(path.join(dataDir, 'local.json'))) await sleep(100);
    const config = JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8')) as {
      endpoints: { s3: string };
    };
    // s3rver's file and socket work is not done on the handlers' event loop, as S3's is not in a Lambda's.
    const s3Children = spawnSync('pgrep', ['-P', String(stack.pid), '-f', 'scripts/local/services/s3.ts'], {
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    expect(s3Children).toHaveLength(1);
    const s3 = s3Children[0] as number;
    const s3Listener = listeningInodes(Number(new URL(config.endpoints.s3).port));
    expect(s3Listener.size).toBe(1);
    expect([...s3Listener].every((inode) => socketInodes(s3).has(inode))).toBe(true);
    expect([...s3Listener].some((inode) => socketInodes(stack.pid as number).has(inode))).toBe(false);

    // What an out-of-memory crash or `kill -9` does: no exit handler runs.
    stack.kill('SIGKILL');

    let waited = 0;
    while ((alive(java) || alive(s3)) && waited < 10_000) {
      await sleep(200);
      waited += 200;
    }
    expect(alive(java)).toBe(false);
    expect(alive(s3)).toBe(false);
  }, 60_000);
});
