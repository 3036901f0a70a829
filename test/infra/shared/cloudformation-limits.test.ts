import { Template } from 'aws-cdk-lib/assertions';
import { allStacks } from '../app-fixture';

/**
 * CloudFormation's documented quotas, per stack (nested stacks included): 500 resources, 200 parameters,
 * 200 outputs, and a 1 MB template (uploaded through S3). A stack over any of them does not deploy,
 * and nothing short of a deployment would say so; the margins leave room for a few more routes.
 */
const QUOTAS = { resources: 500, parameters: 200, outputs: 200, templateBytes: 1_000_000 };
const MARGIN = 0.85;

describe('every stack deploys within CloudFormation quotas', () => {
  const measured = allStacks().map((stack) => {
    const template = Template.fromStack(stack).toJSON() as {
      Resources?: object;
      Parameters?: object;
      Outputs?: object;
    };
    return {
      stack: stack.node.path,
      resources: Object.keys(template.Resources ?? {}).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      templateBytes: Buffer.byteLength(JSON.stringify(template)),
    };
  });

  it('measures every stack, nested ones included', () => {
    expect(measured.length).toBeGreaterThan(7);
    console.log(
      measured
        .map((row) => `${row.stack}: ${row.resources} resources, ${row.templateBytes} bytes`)
        .join('\n'),
    );
  });

  it.each(['resources', 'parameters', 'outputs', 'templateBytes'] as const)(
    'keeps %s under 85 %% of the quota',
    (quota) => {
      const over = measured.filter((row) => row[quota] > QUOTAS[quota] * MARGIN);
      expect(over).toEqual([]);
    },
  );
});
