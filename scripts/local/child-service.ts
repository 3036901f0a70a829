import { type ChildProcess, fork } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * A local service in a process of its own, as its AWS counterpart runs on compute of its own: its work
 * then does not run on the event loop the handlers answer on. The module forks itself and serves with
 * serveAsChild; the parent talks to it over IPC.
 */

/** What the child answers once it has tried to start. */
type ChildMessage<Info> = { type: 'ready'; info: Info } | { type: 'failed'; message: string };

export interface ChildServiceOptions {
  /** For messages: what the service is. */
  name: string;
  /** Below the handlers' priority when set (0 is theirs; 19 the lowest). */
  niceness?: number;
  /** V8's old-space ceiling, when the service's memory should stay small. */
  maxOldSpaceMiB?: number;
  /**
   * V8's semi-space ceiling (the young generation is two of them). Left alone, V8 grows it to 64 MiB each
   * for a busy process, which a service whose live heap is a few dozen MiB holds as resident memory.
   */
  maxSemiSpaceMiB?: number;
  /** Other Node flags the service needs. */
  nodeFlags?: readonly string[];
  /** How long a stopping service may take to finish its work before it is killed. */
  stopGraceMs: number;
}

/** Forks `modulePath` (a module that calls serveAsChild) with `config`; resolves once it is ready. */
export async function forkService<Config, Info>(
  modulePath: string,
  config: Config,
  options: ChildServiceOptions,
): Promise<{ info: Info; stop: () => Promise<void> }> {
  const heap = [
    ...(options.maxOldSpaceMiB ? [`--max-old-space-size=${options.maxOldSpaceMiB}`] : []),
    ...(options.maxSemiSpaceMiB ? [`--max-semi-space-size=${options.maxSemiSpaceMiB}`] : []),
  ];
  const child: ChildProcess = fork(modulePath, [], {
    execArgv: [...heap, ...(options.nodeFlags ?? []), '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid && options.niceness !== undefined) setPriority(child.pid, options.niceness);
  // A message that cannot be sent (the child already gone) is reported, not thrown at the stack.
  child.on('error', (error) => console.error(`${options.name}:`, error.message));
  /** Running: started, and not told to stop. */
  let serving = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      // A service that goes away on its own leaves the stack without it: said loudly, with how it ended.
      if (serving) console.error(`${options.name} exited unexpectedly (${signal ?? `code ${code}`})`);
      serving = false;
      resolve(code);
    }),
  );
  child.send({ type: 'start', config });
  const message = await Promise.race([
    new Promise<ChildMessage<Info>>((resolve) => child.once('message', resolve)),
    exited.then((code): ChildMessage<Info> => ({ type: 'failed', message: `exited with ${code}` })),
  ]);
  if (message.type !== 'ready') throw new Error(`${options.name} did not start: ${message.message}`);
  serving = child.exitCode === null && child.signalCode === null;
  return {
    info: message.info,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      serving = false;
      child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The child's side: start on the parent's word, stop on its word or when the parent is gone. */
export function serveAsChild<Config, Info>(
  start: (config: Config) => Promise<{ info: Info; stop: () => Promise<void> }>,
): void {
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const finish = async () => {
    if (stopping) return;
    stopping = true;
    await stop?.();
    process.exit(0);
  };
  process.on('message', (message: { type: string; config?: Config }) => {
    if (message.type === 'stop') void finish();
    if (message.type !== 'start' || !message.config || stop) return;
    start(message.config).then(
      (started) => {
        stop = started.stop;
        process.send?.({ type: 'ready', info: started.info } satisfies ChildMessage<Info>);
      },
      (error: unknown) => {
        process.send?.({
          type: 'failed',
          message: error instanceof Error ? error.message : String(error),
        } satisfies ChildMessage<Info>);
        process.exit(1);
      },
    );
  });
  // The stack exited without a word (killed): nothing is left running.
  process.on('disconnect', () => void finish());
  // Ctrl-C reaches the whole process group; the stack then stops its children itself.
  process.on('SIGINT', () => undefined);
  // A hang-up is the stack's to answer, as Ctrl-C is: the kernel also sends one, with SIGCONT, to every
  // process of a group left orphaned while one of them is stopped (the benchmark holds the witness with
  // SIGSTOP), and by default it ends the process without a word. The service still ends with the stack,
  // through 'disconnect' above.
  process.on('SIGHUP', () => undefined);
}
