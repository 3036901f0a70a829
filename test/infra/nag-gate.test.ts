import { type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '#infra/app';
import { allStacks, TEST_BUILD } from './app-fixture';

const packs: [string, () => NagPack][] = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['HIPAA.Security', () => new HIPAASecurityChecks()],
];

function findings(stack: Stack, pack: NagPack): string[] {
  return pack
    .validateScope(stack)
    .violations.filter((violation) => violation.severity === 'error' || violation.severity === 'warning')
    .flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
}

describe('cdk-nag gate (AwsSolutions + HIPAA Security)', () => {
  // Built and synthesized once, at collection time, so each stack gets its own named test.
  describe.each(allStacks().map((stack) => [stack.node.path, stack] as const))('%s stack', (_name, stack) => {
    it.each(packs)('[PP-18] has no unacknowledged %s error or warning', (_packName, createPack) => {
      const found = findings(stack, createPack());
      if (found.length > 0) console.error(`${stack.stackName} nag findings:\n${found.join('\n')}`);
      expect(found).toEqual([]);
    });
  });

  it('[PP-18] every acknowledgement carries a specific written reason', () => {
    const acknowledgements = allStacks().flatMap((stack) => acknowledgementsUnder(stack));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect({ id, reasonLength: reason.trim().length >= 40 }).toEqual({ id, reasonLength: true });
    }
  });

  it('[PP-18] every acknowledgement suppresses a finding that would otherwise fail synth', () => {
    // Rebuild with acknowledge() recording instead of suppressing; a stale acknowledgement would
    // silently cover a future, real finding on the same construct.
    const recorded: { path: string; id: string }[] = [];
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
      this: Validations,
      ...rules
    ) {
      const scope = (this as unknown as { scope: IConstruct }).scope;
      for (const rule of rules) recorded.push({ path: scope.node.path, id: rule.id });
    });
    // The bare app prints the annotation warnings its acknowledgements would have silenced.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const bare = buildApp({}, TEST_BUILD);
      bare.app.synth();
      const raw = Object.values(bare.stacks).flatMap((stack) =>
        packs.flatMap(([, createPack]) =>
          createPack()
            .validateScope(stack)
            .violations.flatMap((violation) =>
              violation.violatingResources.map((resource) => ({
                id: violation.ruleName,
                path: resource.constructPath,
              })),
            ),
        ),
      );
      const stale = recorded
        .filter((ack) => !ack.id.startsWith('Annotation::'))
        .filter(
          (ack) =>
            !raw.some((finding) => finding.id === ack.id && `${finding.path}/`.startsWith(`${ack.path}/`)),
        )
        .map((ack) => `${ack.id} at ${ack.path}`);
      expect(stale).toEqual([]);
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
    }
  });
});

function acknowledgementsUnder(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}
