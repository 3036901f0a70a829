import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `probe` resolves, or fails with the service's name after `timeoutMs`. */
export async function waitFor(name: string, probe: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await sleep(150);
    }
  }
  throw new Error(`${name} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}
