import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { DICOM_LAYER_PACKAGES } from './dicom-layer-packages';
import { PROJECT_ROOT } from './project-root';
import { VENDOR_LAYER_MODULES } from './vendor-layer-packages';

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
  // (infra/imaging/image-rendering-runtime.ts); and the DICOM libraries, dcmjs (its data dictionary alone
  // is ~500 KB) and the dcmjs-codecs glue (~750 KB), which keep a bundle over 1 MB: the functions that
  // read DICOM get them from the DICOM layer (infra/shared/dicom-layer.ts). Locally all resolve from
  // node_modules. Likewise the large libraries only some functions use (spreadsheets, ZIP, envelope
  // encryption, mail parsing, Stripe), from the vendor layer (infra/shared/vendor-layer.ts).
  external: [...DICOM_LAYER_PACKAGES, 'sharp', ...VENDOR_LAYER_MODULES],
  // `await import()` of a layer module (loaded on first use) must become require(): an ES import ignores
  // NODE_PATH, which is how the Lambda runtime finds /opt/nodejs/node_modules.
  supported: { 'dynamic-import': false },
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
} satisfies BuildOptions;
