import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type BuildOptions, build, stop as stopEsbuild } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS } from '../../infra/shared/esbuild-options';
import { PROJECT_ROOT } from '../../infra/shared/project-root';

/** What the local stack runs (and the benchmark measures beside it) bundled as CDK bundles functions. */
export async function localBundle(input: Pick<BuildOptions, 'stdin' | 'entryPoints'>): Promise<string> {
  const result = await build({
    // As CDK bundles each function (infra/shared/esbuild-options.ts), with two local overrides.
    ...HANDLER_BUNDLE_OPTIONS,
    ...input,
    // No source map: Node parses a map into ~20 times its size the first time any error's stack is
    // read (288 MB for the handlers' bundle). Unminified instead, so stack traces stay readable and the
    // bundle keeps a `// functions/…` comment above each module (the benchmark's profiler reads them).
    sourcemap: false,
    minify: false,
    write: false,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error('bundling produced no output');
  return code;
}

/**
 * Builds a bundle and loads it as a module of this process, then stops esbuild (its service process
 * holds ~250 MB and is not needed again). The file is written inside the project, so that what the
 * bundle leaves external (sharp, a native module Lambda gets from its layer) resolves from the project's
 * node_modules, and removed once loaded (one is written per process).
 */
export async function loadBundle<T>(name: string, bundle: () => Promise<string>): Promise<T> {
  try {
    const code = await bundle();
    const dir = path.join(PROJECT_ROOT, '.pacscribe', `${name}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.cjs`);
    writeFileSync(file, code);
    try {
      return createRequire(__filename)(file) as T;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await stopEsbuild();
  }
}
