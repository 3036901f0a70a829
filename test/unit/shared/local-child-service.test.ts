import path from 'node:path';
import { forkService } from '../../../scripts/local/child-service';
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
