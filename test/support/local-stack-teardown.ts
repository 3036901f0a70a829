import { once } from 'node:events';

export default async function teardown(): Promise<void> {
  const child = globalThis.__PACSCRIBE_LOCAL_STACK__;
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
