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
  const bundles = [stacks.api, stacks.workflows, stacks.audit].flatMap((stack) =>
    Object.entries(
      assembly.getStackArtifact(stack.artifactId).template.Resources as Record<
        string,
        { Type: string; Metadata?: Record<string, string> }
      >,
    )
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => ({
        logicalId,
        dir: path.join(assembly.directory, resource.Metadata?.['aws:asset:path'] ?? ''),
      })),
  );

  it('bundles one function per route plus the two workflow tasks, the audit archiver, the support mail intake and the purge', () => {
    expect(bundles).toHaveLength(routes.length + 4);
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
