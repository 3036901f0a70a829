import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { layerPerStack } from './layer-per-stack';
import { PROJECT_ROOT } from './project-root';
import { packageOf, VENDOR_LAYER_MODULES } from './vendor-layer-packages';

const nodeModules = path.join(PROJECT_ROOT, 'node_modules');
const manifestOf = (pkg: string) =>
  JSON.parse(readFileSync(path.join(nodeModules, pkg, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
  };

/** Where `require(specifier)` finds the module under the layer's node_modules. */
export function vendorModulePath(specifier: string): string {
  return specifier.endsWith('.js') ? specifier : `${specifier}/index.js`;
}

/**
 * Writes the layer's `nodejs/node_modules` into `outputDir`: each module prebundled (its dependencies
 * included) into the one file `require()` resolves, with its package's manifest and licence.
 */
export function assembleVendorLayer(outputDir: string): void {
  const root = path.join(outputDir, 'nodejs', 'node_modules');
  for (const specifier of VENDOR_LAYER_MODULES) {
    const pkg = packageOf(specifier);
    const target = path.join(root, vendorModulePath(specifier));
    mkdirSync(path.dirname(target), { recursive: true });
    buildSync({
      stdin: {
        contents: `module.exports = require(${JSON.stringify(specifier)});`,
        resolveDir: PROJECT_ROOT,
      },
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      legalComments: 'eof',
      outfile: target,
      logLevel: 'error',
    });
    const { version, license } = manifestOf(pkg);
    // No "exports" map: a subpath such as exceljs/lib/doc/workbook.js resolves by its file path.
    const manifest = { name: pkg, version, license, ...(specifier === pkg ? { main: 'index.js' } : {}) };
    writeFileSync(path.join(root, pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const licence = readdirSync(path.join(nodeModules, pkg)).find((name) => /^licen[cs]e/i.test(name));
    if (licence) copyFileSync(path.join(nodeModules, pkg, licence), path.join(root, pkg, licence));
  }
}

/**
 * The vendor layer (layers/vendor/README.md), one per top-level stack, assembled at synth. The asset hash
 * is the modules, their packages' versions and esbuild's, so an upgrade publishes a new version.
 */
export function vendorLayer(scope: Construct): lambda.ILayerVersion {
  return layerPerStack(scope, 'VendorLayer', createVendorLayer);
}

function createVendorLayer(stack: Stack, id: string): lambda.LayerVersion {
  const packages = [...new Set(VENDOR_LAYER_MODULES.map(packageOf))];
  return new lambda.LayerVersion(stack, id, {
    description: `Prebundled ${packages.map((pkg) => `${pkg} ${manifestOf(pkg).version}`).join(', ')}`.slice(
      0,
      256,
    ),
    compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
    compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
    code: lambda.Code.fromAsset(path.join(PROJECT_ROOT, 'layers', 'vendor'), {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: [
        ...VENDOR_LAYER_MODULES,
        ...packages.map((pkg) => `${pkg}@${manifestOf(pkg).version}`),
        `esbuild@${esbuildVersion}`,
      ].join(','),
      bundling: {
        // Never used: the local bundling below always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
        local: {
          tryBundle(outputDir: string): boolean {
            assembleVendorLayer(outputDir);
            return true;
          },
        },
      },
    }),
  });
}

/** True when the assembled layer at `dir` holds every module (the bundle test checks this). */
export function vendorLayerComplete(dir: string): boolean {
  return VENDOR_LAYER_MODULES.every((specifier) =>
    existsSync(path.join(dir, 'nodejs', 'node_modules', vendorModulePath(specifier))),
  );
}
