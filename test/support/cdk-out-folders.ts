import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every synthesized CDK app writes its templates and bundled assets (up to about 330 MB) to a fresh
 * `cdk.out…` folder in the temporary directory, and CDK never removes it: a day of test runs left 2,063
 * of them there, 48 GB, and a benchmark then ran out of disk. A run notes the folders there before its
 * tests (global setup) and removes the ones that appeared since once they have all finished (teardown).
 */
const cdkOutFolders = (directory: string) =>
  readdirSync(directory).filter((name) => name.startsWith('cdk.out'));

/** The run's own folders, for the one who noted what was there before. */
export function noteCdkOutFolders(directory: string): () => void {
  const before = new Set(cdkOutFolders(directory));
  return () => {
    for (const name of cdkOutFolders(directory)) {
      if (!before.has(name)) rmSync(path.join(directory, name), { recursive: true, force: true });
    }
  };
}

declare global {
  var __PACSCRIBE_REMOVE_CDK_OUT__: (() => void) | undefined;
}

/** Global setup of the unit and infra projects: once per run, whichever project starts first. */
export default function setup(): void {
  globalThis.__PACSCRIBE_REMOVE_CDK_OUT__ ??= noteCdkOutFolders(tmpdir());
}
