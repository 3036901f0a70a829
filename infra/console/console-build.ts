import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '#infra/shared/project-root';

/** The console's sources: a React app under console/src, one entry. */
export const CONSOLE_SOURCE_DIR = path.join(PROJECT_ROOT, 'console');
const ENTRY = path.join(CONSOLE_SOURCE_DIR, 'src', 'main.tsx');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : [full];
  });
}

/** A digest of the sources and the package files: the same inputs give the same build, reused from the cache. */
function inputsDigest(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(CONSOLE_SOURCE_DIR).sort()) {
    hash.update(path.relative(CONSOLE_SOURCE_DIR, file)).update('\0').update(readFileSync(file));
  }
  // package.json's sideEffects list decides what the bundle keeps; the lock file, which library versions.
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'package.json')));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

function indexHtml(script: string, stylesheet: string | undefined): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>PACScribe console</title>',
    // No favicon request (it would reach the API and 404).
    '<link rel="icon" href="data:,">',
    // The id tells React Aria its press styles are present (they are in styles.css), so it does not inject
    // a <style> element, which the CSP (style-src 'self') would refuse.
    stylesheet ? `<link rel="stylesheet" id="react-aria-pressable-style" href="./${stylesheet}">` : '',
    `<script type="module" src="./${script}"></script>`,
    '</head>',
    '<body>',
    '<div id="root"></div>',
    '<noscript>The PACScribe console needs JavaScript.</noscript>',
    '</body>',
    '</html>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Builds the console into static files (index.html and content-hashed assets) and returns their directory.
 * Used by the local stack at start and by CDK at synth, so both serve the same files. Builds are cached
 * by input digest under the OS temp directory; `outDir` forces a fresh build there.
 */
export function buildConsole(outDir?: string): string {
  const target = outDir ?? path.join(tmpdir(), `pacscribe-console-${inputsDigest()}`);
  if (!outDir && existsSync(path.join(target, 'index.html'))) return target;
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    outdir: path.join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile?.outputs ?? {}).map((output) =>
    path.relative(staging, path.resolve(output)),
  );
  const script = outputs.find((output) => output.endsWith('.js'));
  if (!script) throw new Error('console build produced no script');
  const stylesheet = outputs.find((output) => output.endsWith('.css'));
  writeFileSync(path.join(staging, 'index.html'), indexHtml(script, stylesheet));
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

/** Total bytes of a built console (for the size check and the closing figures). */
export function consoleBytes(dir: string): number {
  return sourceFiles(dir).reduce((sum, file) => sum + statSync(file).size, 0);
}
