import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { DICOM_LAYER_PACKAGES } from './dicom-layer-packages';
import { layerPerStack } from './layer-per-stack';
import { PROJECT_ROOT } from './project-root';

/**
 * What the layer carries, relative to node_modules: each package's manifest, licence and the CommonJS
 * build `require()` resolves (no source maps, ES builds or dictionary generators), plus the older dcmjs
 * that dcmjs-codecs pins under its own node_modules.
 */
export const DICOM_LAYER_FILES: Readonly<Record<(typeof DICOM_LAYER_PACKAGES)[number], readonly string[]>> = {
  dcmjs: ['dcmjs/package.json', 'dcmjs/License.txt', 'dcmjs/build/dcmjs.js'],
  'dcmjs-codecs': [
    'dcmjs-codecs/package.json',
    'dcmjs-codecs/LICENSE.txt',
    'dcmjs-codecs/build/dcmjs-codecs.min.js',
    'dcmjs-codecs/node_modules/dcmjs/package.json',
    'dcmjs-codecs/node_modules/dcmjs/License.txt',
    'dcmjs-codecs/node_modules/dcmjs/build/dcmjs.js',
  ],
};

const nodeModules = path.join(PROJECT_ROOT, 'node_modules');
const versionOf = (file: string) =>
  (JSON.parse(readFileSync(path.join(nodeModules, file), 'utf8')) as { version: string }).version;

/**
 * The DICOM layer (layers/dicom/README.md), one per top-level stack, assembled at synth from the installed
 * packages. The asset hash is the packages and their versions, so an upgrade publishes a new version.
 */
export function dicomLayer(scope: Construct): lambda.ILayerVersion {
  return layerPerStack(scope, 'DicomLayer', createDicomLayer);
}

function createDicomLayer(stack: Stack, id: string): lambda.LayerVersion {
  const manifests = Object.values(DICOM_LAYER_FILES)
    .flat()
    .filter((file) => file.endsWith('package.json'));
  return new lambda.LayerVersion(stack, id, {
    description: `dcmjs ${versionOf('dcmjs/package.json')} and dcmjs-codecs ${versionOf('dcmjs-codecs/package.json')}`,
    compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
    compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
    code: lambda.Code.fromAsset(path.join(PROJECT_ROOT, 'layers', 'dicom'), {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: manifests.map((file) => `${path.dirname(file)}@${versionOf(file)}`).join(','),
      bundling: {
        // Never used: the local bundling below always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
        local: {
          tryBundle(outputDir: string): boolean {
            for (const file of Object.values(DICOM_LAYER_FILES).flat()) {
              const target = path.join(outputDir, 'nodejs', 'node_modules', file);
              mkdirSync(path.dirname(target), { recursive: true });
              cpSync(path.join(nodeModules, file), target);
            }
            return true;
          },
        },
      },
    }),
  });
}
