import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { routes } from '#functions/shared/routes';
import { buildApp } from '#infra/app';
import { DICOM_LAYER_FILES } from '#infra/shared/dicom-layer';
import { DICOM_LAYER_PACKAGES } from '#infra/shared/dicom-layer-packages';
import { LAMBDA_PRIVACY_POLICY_DIR } from '#infra/shared/pacs-function';
import { PROJECT_ROOT } from '#infra/shared/project-root';
import { vendorLayerComplete } from '#infra/shared/vendor-layer';
import { VENDOR_LAYER_MODULES } from '#infra/shared/vendor-layer-packages';

const ONE_MB = 1_048_576;

/** Bytes under a directory, as Lambda counts a package unzipped. */
function sizeOf(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/**
 * The other infra tests skip esbuild for speed; this one bundles every function once, as `cdk deploy`
 * would, so a handler that cannot be bundled fails `npm test` and not a deployment.
 */
describe('function bundles', () => {
  const { app, stacks } = buildApp({ 'aws:cdk:enable-asset-metadata': true }, { nag: false });
  const assembly = app.synth();
  type Resources = Record<
    string,
    { Type: string; Properties?: { Layers?: unknown }; Metadata?: Record<string, string> }
  >;
  // The API's functions live in its per-context nested stacks, each a template file of the assembly.
  const nestedTemplates = [...stacks.api.routeApi.functionStacks.values()].map(
    (nested) =>
      JSON.parse(readFileSync(path.join(assembly.directory, nested.templateFile), 'utf8')) as {
        Resources: Resources;
      },
  );
  const templates = [
    ...[stacks.api, stacks.workflows, stacks.audit].map(
      (stack) => assembly.getStackArtifact(stack.artifactId).template as { Resources: Resources },
    ),
    ...nestedTemplates,
  ];
  const bundles = templates.flatMap((template) =>
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => ({
        logicalId,
        dir: path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? ''),
        // Each layer's logical id (a LayerVersion of the same template) or the parameter passing it in.
        layers: ((resource.Properties?.Layers ?? []) as { Ref?: string }[]).map((layer) => layer.Ref ?? ''),
      })),
  );
  // The layer's logical id, or in a nested stack the parameter that passes it in (referenceto…DicomLayer…Ref).
  const isDicomLayer = (layer: string) => layer.includes('DicomLayer');

  it('ships the codecs WebAssembly beside each bundle that decodes', () => {
    for (const route of routes.filter((candidate) => candidate.pixelCodecs || candidate.imageRendering)) {
      const fn = stacks.api.routeApi.functions[route.id]?.function;
      const logicalId = stacks.api.resolve(stacks.api.getLogicalId(fn?.node.defaultChild as never));
      const bundle = bundles.find((candidate) => candidate.logicalId === logicalId);
      expect(existsSync(path.join(bundle?.dir ?? '', 'dcmjs-native-codecs.wasm'))).toBe(true);
    }
  });

  it('ships the codecs WebAssembly beside each rendering bundle, and sharp in their layer', () => {
    type Resource = {
      Type: string;
      Properties?: { Layers?: unknown; Architectures?: string[] };
      Metadata?: Record<string, string>;
    };
    const api = assembly.getStackArtifact(stacks.api.artifactId).template.Resources as Record<
      string,
      Resource
    >;
    const functions = nestedTemplates.flatMap((template) =>
      Object.values(template.Resources as Record<string, Resource>),
    );
    // Rendering functions are the x86_64 ones (sharp's installed build); every DICOM reader has a layer.
    const rendering = functions.filter((resource) => resource.Properties?.Architectures?.includes('x86_64'));
    expect(rendering).toHaveLength(routes.filter((route) => route.imageRendering).length);
    for (const resource of rendering) {
      const dir = path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? '');
      expect(existsSync(path.join(dir, 'dcmjs-native-codecs.wasm'))).toBe(true);
      // sharp stays out of the bundle: a native module, loaded from /opt/nodejs/node_modules.
      expect(readFileSync(path.join(dir, 'index.js'), 'utf8')).toMatch(/require\("sharp"\)/);
    }
    const layer = Object.values(api).find(
      (resource) =>
        resource.Type === 'AWS::Lambda::LayerVersion' &&
        String((resource.Properties as { Description?: string } | undefined)?.Description).startsWith(
          'sharp',
        ),
    );
    const modules = path.join(
      assembly.directory,
      layer?.Metadata?.['aws:asset:path'] ?? '',
      'nodejs',
      'node_modules',
    );
    expect(existsSync(path.join(modules, 'sharp', 'package.json'))).toBe(true);
    expect(existsSync(path.join(modules, '@img', 'sharp-linux-x64', 'package.json'))).toBe(true);
    expect(existsSync(path.join(modules, '@img', 'sharp-libvips-linux-x64', 'package.json'))).toBe(true);
  });

  it('bundles one function per route plus the four workflow tasks, the audit archiver, the support mail intake, the purge, the overdue opt-out check, the delivery-event recorder, and (vpcIsolation, the default) the JWKS relay and the invoice lister', () => {
    expect(bundles).toHaveLength(routes.length + 11);
  });

  it('ships the export task with the codecs WebAssembly beside it and sharp in its layer (it renders every frame)', () => {
    const template = assembly.getStackArtifact(stacks.workflows.artifactId).template as {
      Resources: Record<
        string,
        { Type: string; Properties?: { Layers?: unknown }; Metadata?: Record<string, string> }
      >;
    };
    const step =
      template.Resources[
        stacks.workflows.resolve(
          stacks.workflows.getLogicalId(
            stacks.workflows.exportArchive.step.function.node.defaultChild as never,
          ),
        )
      ];
    expect(step?.Properties?.Layers).toBeDefined();
    const dir = path.join(assembly.directory, step?.Metadata?.['aws:asset:path'] ?? '');
    expect(existsSync(path.join(dir, 'dcmjs-native-codecs.wasm'))).toBe(true);
    expect(readFileSync(path.join(dir, 'index.js'), 'utf8')).toMatch(/require\("sharp"\)/);
  });

  it.each(bundles)('$logicalId is a self-contained CommonJS bundle with a source map', ({ dir }) => {
    const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
    expect(() => new Script(code)).not.toThrow();
    expect(existsSync(path.join(dir, 'index.js.map'))).toBe(true);
    // The pinned SDK is inside the bundle, not taken from the Lambda runtime. signature-v4-crt is the
    // SDK's optional native SigV4a signer, required lazily inside a try and never used here.
    const runtimeSdk = [...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((match) => match[1]);
    expect(runtimeSdk.filter((name) => name !== '@aws-sdk/signature-v4-crt')).toEqual([]);
    // A module loaded on first use is require()d: an ES import() would not look in the layers (NODE_PATH).
    expect(code).not.toMatch(/\bimport\("[^"]+"\)/);
  });

  // Issue 11: each bundle at most 1 MB; the DICOM libraries (dcmjs, dcmjs-codecs), sharp and the large
  // libraries only some functions use (the vendor layer) live in layers.
  it.each(bundles)('$logicalId bundle is at most 1 MB', ({ dir }) => {
    expect(statSync(path.join(dir, 'index.js')).size).toBeLessThanOrEqual(ONE_MB);
  });

  it.each(bundles)(
    '$logicalId has the vendor layer if its bundle requires a vendor module',
    ({ dir, layers }) => {
      const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
      if (VENDOR_LAYER_MODULES.some((name) => code.includes(`require("${name}")`))) {
        expect(layers.some((layer) => layer.includes('VendorLayer'))).toBe(true);
      }
    },
  );

  it('loads every vendor module from its layer alone, as the Lambda runtime would from /opt/nodejs/node_modules', () => {
    const layerDirs = templates.flatMap((template) =>
      Object.values(template.Resources)
        .filter((resource) => resource.Type === 'AWS::Lambda::LayerVersion')
        .map((resource) => path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? '')),
    );
    const vendor = layerDirs.filter(vendorLayerComplete);
    expect(vendor.length).toBeGreaterThan(0);
    // A process outside the project (no node_modules above it) that sees only the layer: each module
    // loads and does what the functions ask of it.
    // Copied out of the project first: run from here, it would find the project's node_modules instead.
    const probe = path.join(mkdtempSync(path.join(tmpdir(), 'vendor-probe-')), 'probe.cjs');
    copyFileSync(path.join(__dirname, 'vendor-layer-probe.cjs'), probe);
    for (const dir of vendor) {
      const run = spawnSync(process.execPath, [probe], {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(dir, 'nodejs', 'node_modules') },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        xlsx: true,
        streamedXlsx: true,
        zip: true,
        unsealed: 'sealed',
        mailFrom: 'a@b.example',
        stripe: true,
      });
    }
  });

  it.each(bundles)('$logicalId has the DICOM layer if its bundle requires dcmjs', ({ dir, layers }) => {
    const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
    if (DICOM_LAYER_PACKAGES.some((name) => code.includes(`require("${name}")`))) {
      expect(layers.some(isDicomLayer)).toBe(true);
    }
  });

  it('the DICOM layer holds what the bundles require, and any function with its layers stays under 250 MB unzipped', () => {
    const layerDirs = templates.flatMap((template) =>
      Object.values(template.Resources)
        .filter((resource) => resource.Type === 'AWS::Lambda::LayerVersion')
        .map((resource) => path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? '')),
    );
    const dicom = layerDirs.filter((dir) => existsSync(path.join(dir, 'nodejs', 'node_modules', 'dcmjs')));
    expect(dicom.length).toBeGreaterThan(0);
    for (const dir of dicom) {
      for (const file of Object.values(DICOM_LAYER_FILES).flat()) {
        expect(existsSync(path.join(dir, 'nodejs', 'node_modules', file))).toBe(true);
      }
    }
    // Bounded from above: every layer of the assembly plus the largest function directory.
    const largestBundle = Math.max(...bundles.map(({ dir }) => sizeOf(dir)));
    const allLayers = [...new Set(layerDirs)].reduce((total, dir) => total + sizeOf(dir), 0);
    expect(largestBundle + allLayers).toBeLessThan(250 * ONE_MB);
  });

  it.each(bundles)('$logicalId carries every privacy policy version beside its code', ({ dir }) => {
    const repository = readdirSync(path.join(PROJECT_ROOT, 'policies', 'privacy')).sort();
    expect(repository).toContain('1.md');
    expect(readdirSync(path.join(dir, 'policies', 'privacy')).sort()).toEqual(repository);
    // What the route functions read at cold start (PRIVACY_POLICY_DIR) is where the copy sits.
    expect(LAMBDA_PRIVACY_POLICY_DIR).toBe('/var/task/policies/privacy');
  });
});
