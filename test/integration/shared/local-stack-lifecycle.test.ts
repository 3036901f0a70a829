import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_STACK_NODE_ARGS } from '../../../scripts/local/node-args';

/** Signal 0 checks that a process exists without touching it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the local stack process', () => {
  it('leaves no DynamoDB Local JVM behind when it is killed outright', async () => {
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

    // What an out-of-memory crash or `kill -9` does: no exit handler runs.
    stack.kill('SIGKILL');

    let waited = 0;
    while (alive(java) && waited < 10_000) {
      await sleep(200);
      waited += 200;
    }
    expect(alive(java)).toBe(false);
  }, 60_000);
});
