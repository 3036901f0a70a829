import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { localArchiverHold } from '../../../scripts/bench/servers';

/** A process's state letter from /proc (T: stopped); the benchmark reads /proc too. */
const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.charAt(0);

/** The state once it is stopped, or after 2 s: a signal is delivered after kill() returns. */
async function settledState(pid: number) {
  for (let waited = 0; stateOf(pid) !== 'T' && waited < 2_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return stateOf(pid);
}

describe("the benchmark's hold on the local audit witness", () => {
  it('holds the witness still during timed work, and stops the run once the witness has gone', async () => {
    // Told apart by its command line, as the stack's witness is.
    const witness = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'audit-witness']);
    const pid = witness.pid as number;
    try {
      const hold = localArchiverHold(() => [process.pid, pid]);
      expect(await hold.quiet(() => settledState(pid))).toBe('T');
      hold.release();
      witness.kill('SIGKILL');
      await once(witness, 'exit');
      await expect(hold.quiet(async () => 'timed work')).rejects.toThrow('audit witness has exited');
    } finally {
      witness.kill('SIGKILL');
    }
  }, 20_000);
});
