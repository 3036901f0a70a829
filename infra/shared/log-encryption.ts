import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface EncryptedLogGroupProps {
  /** Omit to let CloudFormation name it; WAF and vended logs need a fixed prefix. */
  logGroupName?: string;
  retention: logs.RetentionDays;
}

/**
 * One customer-managed key per stack for its CloudWatch log groups. Kept in the stack that owns the
 * log groups because services (Step Functions, CloudTrail) add key-policy statements naming their
 * own resources, and a key in another stack would turn that into a dependency cycle.
 */
export class LogEncryption extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { description: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      // Logs encrypted with a deleted key are unreadable evidence; the key outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  createLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      logGroupName: props.logGroupName,
      retention: props.retention,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
