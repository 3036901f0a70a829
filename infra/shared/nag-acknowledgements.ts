import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag names a resolved resource in its finding ids (GetAtt as `<Id.Attr>`, Ref as `<Id>`). */
function nagResourceName(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  if (resolved !== null && typeof resolved === 'object') {
    const node = resolved as Record<string, unknown>;
    const join = node['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(nagResourceName).join(join[0]);
    const getAtt = node['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
    if (typeof node.Ref === 'string') return `<${node.Ref}>`;
    if ('Fn::ImportValue' in node) return nagResourceName(node['Fn::ImportValue']);
  }
  return JSON.stringify(resolved);
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for one wildcard resource (`<bucket>/prefix*`) that a
 * grant on `scope` names. The id is built when the app validates: a resource in another stack is a
 * cross-stack reference CDK only settles while preparing the app, and validateTree runs after prepare
 * and before the validation plugins.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      const resource = nagResourceName(Stack.of(scope).resolve(resourceArn));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
      return [];
    },
  });
}
