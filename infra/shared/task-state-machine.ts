import { readFileSync } from 'node:fs';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { LogEncryption } from './log-encryption';

export interface TaskStateMachineProps {
  /** `pacscribe-<stage>-<name>`: named, because CDK scopes the role's KMS grant to the state machine ARN. */
  name: string;
  stage: string;
  /** The ASL file the local stack runs too (plain JSON), with its one task function substituted in. */
  aslPath: string;
  substitution: string;
  task: lambda.IFunction;
  timeout: Duration;
  logEncryption: LogEncryption;
}

/**
 * A Step Functions workflow around one task Lambda, as every PACScribe workflow is built: state holds ids
 * only; logging is ALL for each step's trail but never includes execution data, which could carry PHI;
 * logs and state encrypted with the customer-managed key; tracing on. Created in the caller's scope
 * ('Logs', 'StateMachine'), so each workflow keeps its own resource names.
 */
export function taskStateMachine(
  scope: Construct,
  props: TaskStateMachineProps,
): { stateMachine: sfn.StateMachine; logGroup: logs.LogGroup } {
  // Vended-logs prefix keeps Step Functions within the CloudWatch Logs resource-policy size limit.
  const logGroup = props.logEncryption.createLogGroup(scope, 'Logs', {
    logGroupName: `/aws/vendedlogs/states/pacscribe-${props.stage}-${props.name}`,
    retention: logs.RetentionDays.ONE_YEAR,
  });
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: `pacscribe-${props.stage}-${props.name}`,
    definitionBody: sfn.DefinitionBody.fromString(readFileSync(props.aslPath, 'utf8')),
    definitionSubstitutions: { [props.substitution]: props.task.functionArn },
    stateMachineType: sfn.StateMachineType.STANDARD,
    timeout: props.timeout,
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.logEncryption.key),
  });
  // The ASL names the function by substitution, so CDK cannot infer the invoke permission. The
  // unqualified ARN only (grantInvoke would add every version, ':*').
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.task.functionArn] }),
  );
  Validations.of(stateMachine).acknowledge(
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "The state machine role's inline policy holds only its invoke, logging, tracing and KMS grants; it is not shared.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (PutTraceSegments) and CloudWatch Logs vended delivery (CreateLogDelivery and friends) have no resource-level permissions.',
    },
  );
  return { stateMachine, logGroup };
}
