import { cpSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { PacsFunctionProps } from '#infra/shared/pacs-function';
import { PROJECT_ROOT } from '#infra/shared/project-root';

/** sharp and what it loads at run time: its libvips build for linux-x64 and its JavaScript dependencies. */
export const SHARP_LAYER_PACKAGES = [
  'sharp',
  '@img/sharp-linux-x64',
  '@img/sharp-libvips-linux-x64',
  '@img/colour',
  'detect-libc',
  'semver',
] as const;

/** The dcmjs-codecs WebAssembly module (RLE, JPEG, JPEG-LS, J2K, HTJ2K), loaded from beside the bundle. */
export const CODECS_WASM = path.join(
  PROJECT_ROOT,
  'node_modules',
  'dcmjs-codecs',
  'build',
  'dcmjs-native-codecs.wasm',
);

const packageDir = (name: string) => path.join(PROJECT_ROOT, 'node_modules', name);
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;

/**
 * The sharp layer, one per stack, assembled at synth from the installed packages (layers/sharp/README.md).
 * The asset hash is the packages and their versions, so a sharp upgrade publishes a new layer version.
 */
function sharpLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'SharpLayer';
  const existing = stack.node.tryFindChild(id) as lambda.LayerVersion | undefined;
  if (existing) return existing;
  return new lambda.LayerVersion(stack, id, {
    description: `sharp ${versionOf('sharp')} with libvips for linux-x64 (image rendering)`,
    compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
    compatibleArchitectures: [lambda.Architecture.X86_64],
    code: lambda.Code.fromAsset(path.join(PROJECT_ROOT, 'layers', 'sharp'), {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: SHARP_LAYER_PACKAGES.map((name) => `${name}@${versionOf(name)}`).join(','),
      bundling: {
        // Never used: the local bundling below always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
        local: {
          tryBundle(outputDir: string): boolean {
            for (const name of SHARP_LAYER_PACKAGES) {
              if (!existsSync(packageDir(name))) {
                throw new Error(`${name} is not installed: the sharp layer needs npm ci on linux-x64`);
              }
              cpSync(packageDir(name), path.join(outputDir, 'nodejs', 'node_modules', name), {
                recursive: true,
              });
            }
            return true;
          },
        },
      },
    }),
  });
}

/**
 * What a function that decodes or transcodes on retrieval needs: the DICOM layer and the codecs' WebAssembly beside
 * its bundle. Its memory (one instance being transcoded, TRANSCODE_LIMITS; at least 1,024 MB for the CPU) comes
 * from infra/shared/function-memory.ts.
 */
export function pixelCodecFunctionProps(): Pick<PacsFunctionProps, 'filesBesideBundle' | 'dicomLibraries'> {
  return { filesBesideBundle: [CODECS_WASM], dicomLibraries: true };
}

/**
 * What a rendering function needs beyond the house defaults: x86_64 (the installed sharp build), the sharp
 * and DICOM layers and the codecs' WebAssembly beside its bundle. Its memory (one frame at a time, RENDER_LIMITS in
 * functions/imaging/core/rendering/render-options.ts; at least 1,024 MB for the CPU) comes from
 * infra/shared/function-memory.ts.
 */
export function imageRenderingFunctionProps(
  scope: Construct,
): Pick<PacsFunctionProps, 'architecture' | 'layers' | 'filesBesideBundle' | 'dicomLibraries'> {
  return {
    architecture: lambda.Architecture.X86_64,
    layers: [sharpLayer(scope)],
    dicomLibraries: true,
    filesBesideBundle: [CODECS_WASM],
  };
}
