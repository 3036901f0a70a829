import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { PROJECT_ROOT } from './project-root';

/**
 * How every handler is bundled: by CDK for Lambda (PacsFunction maps these onto its bundling props),
 * by the local stack (scripts/local/lambda-registry.ts) and by the benchmark (scripts/bench), so the
 * code that runs locally and is measured is the code that deploys. No aws-cdk-lib here: the local
 * stack imports this module. A use that must differ overrides a field next to its reason.
 */
export const HANDLER_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // Prefer ESM entry points so esbuild can tree-shake.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Everything is bundled, the AWS SDK included: Lambda runs the pinned SDK the tests ran, not the runtime's.
  // Except sharp, a native module (libvips): the rendering functions get it from their layer
  // (infra/imaging/image-rendering-runtime.ts), the local stack from node_modules.
  external: ['sharp'],
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
} satisfies BuildOptions;
