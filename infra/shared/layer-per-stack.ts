import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * One layer per top-level stack, made on first request: the API's per-context nested stacks share it,
 * passed in as a parameter, rather than each publishing a copy.
 */
export function layerPerStack(
  scope: Construct,
  id: string,
  create: (stack: Stack, id: string) => lambda.LayerVersion,
): lambda.ILayerVersion {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return (stack.node.tryFindChild(id) as lambda.LayerVersion | undefined) ?? create(stack, id);
}
