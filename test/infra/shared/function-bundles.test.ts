import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { routes } from '#functions/shared/routes';
import { buildApp } from '#infra/app';
import { LAMBDA_PRIVACY_POLICY_DIR } from '#infra/shared/pacs-function';
import { PROJECT_ROOT } from '#infra/shared/project-root';

/**
 * The other infra tests skip esbuild for speed; this one bundles every function once, as `cdk deploy`
 * would, so a handler that cannot be bundled fails `npm test` and not a deployment.
 */
describe('function bundles', () => {
  const { app, stacks } = buildApp({ 'aws:cdk:enable-asset-metadata': true }, { nag: false });
  const assembly = app.synth();
  type Resources = Record<string, { Type: string; Metadata?: Record<string, string> }>;
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
      })),
  );

  it('ships the codecs WebAssembly beside each bundle that decodes', () => {
    for (const route of routes.filter((candidate) => candidate.pixelCodecs || candidate.imageRendering)) {
      const fn = stacks.api.routeApi.functions[route.id]?.function;
      const logicalId = stacks.api.resolve(stacks.api.getLogicalId(fn?.node.defaultChild as never));
      const bundle = bundles.find((candidate) => candidate.logicalId === logicalId);
      expect(existsSync(path.join(bundle?.dir ?? '', 'dcmjs-native-codecs.wasm'))).toBe(true);
    }
  });

  it('ships the codecs WebAssembly beside each rendering bundle, and sharp in their layer', () => {
    type Resource = { Type: string; Properties?: { Layers?: unknown }; Metadata?: Record<string, string> };
    const api = assembly.getStackArtifact(stacks.api.artifactId).template.Resources as Record<
      string,
      Resource
    >;
    const functions = nestedTemplates.flatMap((template) =>
      Object.values(template.Resources as Record<string, Resource>),
    );
    const rendering = functions.filter((resource) => resource.Properties?.Layers);
    expect(rendering).toHaveLength(routes.filter((route) => route.imageRendering).length);
    for (const resource of rendering) {
      const dir = path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? '');
      expect(existsSync(path.join(dir, 'dcmjs-native-codecs.wasm'))).toBe(true);
      // sharp stays out of the bundle: a native module, loaded from /opt/nodejs/node_modules.
      expect(readFileSync(path.join(dir, 'index.js'), 'utf8')).toMatch(/require\("sharp"\)/);
    }
    const layer = Object.values(api).find((resource) => resource.Type === 'AWS::Lambda::LayerVersion');
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
  });

  it.each(bundles)('$logicalId carries every privacy policy version beside its code', ({ dir }) => {
    const repository = readdirSync(path.join(PROJECT_ROOT, 'policies', 'privacy')).sort();
    expect(repository).toContain('1.md');
    expect(readdirSync(path.join(dir, 'policies', 'privacy')).sort()).toEqual(repository);
    // What the route functions read at cold start (PRIVACY_POLICY_DIR) is where the copy sits.
    expect(LAMBDA_PRIVACY_POLICY_DIR).toBe('/var/task/policies/privacy');
  });
});
