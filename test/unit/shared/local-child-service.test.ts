import { readFileSync } from 'node:fs';
import path from 'node:path';
import { forkService } from '../../../scripts/local/child-service';
import { LOCAL_STACK_NODE_ARGS } from '../../../scripts/local/node-args';
import { alive } from '../../support/processes';

const ECHO_SERVICE = path.resolve(__dirname, '../../fixtures/local/echo-service.ts');

describe('a local stand-in in a process of its own', () => {
  it('starts in another process, answers with what it reports when ready, and is gone once stopped', async () => {
    const service = await forkService<{ value: string }, { value: string; pid: number }>(
      ECHO_SERVICE,
      { value: 'configured' },
      { name: 'echo service', stopGraceMs: 5_000 },
    );
    expect(service.info.value).toBe('configured');
    expect(service.info.pid).not.toBe(process.pid);
    expect(alive(service.info.pid)).toBe(true);
    await service.stop();
    expect(alive(service.info.pid)).toBe(false);
  });

  it('runs with the heap limits and Node flags it is given, so its memory stays what it needs', async () => {
    const service = await forkService<{ value: string }, { nodeFlags: string[] }>(
      ECHO_SERVICE,
      { value: 'configured' },
      {
        name: 'echo service',
        maxOldSpaceMiB: 96,
        maxSemiSpaceMiB: 4,
        nodeFlags: ['--openssl-legacy-provider'],
        stopGraceMs: 5_000,
      },
    );
    await service.stop();
    expect(service.info.nodeFlags).toEqual(
      expect.arrayContaining([
        '--max-old-space-size=96',
        '--max-semi-space-size=4',
        '--openssl-legacy-provider',
      ]),
    );
  });

  it('says which service went away and how when it exits untold, and nothing when it is stopped', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const options = { name: 'echo service', stopGraceMs: 5_000 };
      const stopped = await forkService<{ value: string }, { pid: number }>(
        ECHO_SERVICE,
        { value: 'a' },
        options,
      );
      await stopped.stop();
      const killed = await forkService<{ value: string }, { pid: number }>(
        ECHO_SERVICE,
        { value: 'b' },
        options,
      );
      process.kill(killed.info.pid, 'SIGKILL');
      for (let waited = 0; errors.mock.calls.length === 0 && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(errors.mock.calls).toEqual([['echo service exited unexpectedly (SIGKILL)']]);
      await killed.stop();
    } finally {
      errors.mockRestore();
    }
  });

  it('outlives a hang-up while held still, as the kernel sends one to an orphaned group with a stopped process', async () => {
    const service = await forkService<{ value: string }, { pid: number }>(
      ECHO_SERVICE,
      { value: 'configured' },
      { name: 'echo service', stopGraceMs: 5_000 },
    );
    try {
      process.kill(service.info.pid, 'SIGSTOP');
      process.kill(service.info.pid, 'SIGHUP');
      process.kill(service.info.pid, 'SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(alive(service.info.pid)).toBe(true);
    } finally {
      await service.stop();
    }
    expect(alive(service.info.pid)).toBe(false);
  });

  it('refuses to start the stack when the service cannot start, saying which and why', async () => {
    await expect(
      forkService(
        ECHO_SERVICE,
        { value: 'configured', failWith: 'port in use' },
        { name: 'echo service', stopGraceMs: 5_000 },
      ),
    ).rejects.toThrow('echo service did not start: port in use');
  });
});

describe('the local stack’s own process', () => {
  it('starts under npm start with the same Node flags as under the tests and the benchmark', () => {
    const { scripts } = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    expect(scripts.start).toBe(`node ${LOCAL_STACK_NODE_ARGS.join(' ')}`);
  });
});
