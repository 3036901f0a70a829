import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { z } from 'zod';
import { welcomeMailWorkflow } from '#functions/shared/workflows';
import { applyBinding } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import {
  type MailSenderRef,
  PacsFunction,
  type StateMachineRef,
  type TableRef,
} from '#infra/shared/pacs-function';
import { MailEnvSchema } from '#schemas/shared/env';

/**
 * The same ASL file runs in the local stack (aws-local-stepfunctions), so it stays plain JSON; which file
 * and which function fills each placeholder come from functions/shared/workflows.ts for both.
 */
export const WELCOME_MAIL_ASL_PATH = path.join(__dirname, '../..', welcomeMailWorkflow.aslFile);
const { SendWelcomeMailFunctionArn: sendWelcomeMailHandler } = welcomeMailWorkflow.taskFunctions;

export interface WelcomeMailWorkflowProps {
  accountsTable: TableRef;
  mail: MailSenderRef;
  appBaseUrl: string;
  logEncryption: LogEncryption;
  reservedConcurrency: number;
  stage: string;
}

/**
 * Sends the transactional welcome mail after sign-up [PP-02, PP-22]. State holds ids only; logging is
 * ALL for the audit trail of each step but never includes execution data, which could carry PHI.
 */
export class WelcomeMailWorkflow extends Construct implements StateMachineRef {
  readonly stateMachine: sfn.StateMachine;
  readonly encryptionKey: kms.IKey;
  readonly sendWelcomeMail: PacsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WelcomeMailWorkflowProps) {
    super(scope, id);

    this.encryptionKey = props.logEncryption.key;
    this.sendWelcomeMail = new PacsFunction(this, 'SendWelcomeMail', {
      handler: sendWelcomeMailHandler,
      description: 'Welcome-mail workflow task: renders and sends the welcome mail',
      serviceName: 'pacscribe-mail',
      logEncryption: props.logEncryption,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(30),
    });
    const resources = { accountsTable: props.accountsTable, mail: props.mail, appBaseUrl: props.appBaseUrl };
    applyBinding(this.sendWelcomeMail, 'accounts-table:read', resources);
    applyBinding(this.sendWelcomeMail, 'mail:send', resources);
    this.sendWelcomeMail.assertEnvironment(MailEnvSchema.extend({ ACCOUNTS_TABLE_NAME: z.string().min(1) }));

    // Vended-logs prefix keeps Step Functions within the CloudWatch Logs resource-policy size limit.
    this.logGroup = props.logEncryption.createLogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/pacscribe-${props.stage}-welcome-mail`,
      retention: logs.RetentionDays.ONE_YEAR,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      // Named: CDK scopes the role's KMS grant to the state machine ARN, which needs a known name.
      stateMachineName: `pacscribe-${props.stage}-welcome-mail`,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(WELCOME_MAIL_ASL_PATH, 'utf8')),
      definitionSubstitutions: { SendWelcomeMailFunctionArn: this.sendWelcomeMail.function.functionArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.minutes(15),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(this.encryptionKey),
    });
    // The ASL names the function by substitution, so CDK cannot infer the invoke permission. The
    // unqualified ARN only (grantInvoke would add every version, ':*').
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.sendWelcomeMail.function.functionArn],
      }),
    );

    Validations.of(this.sendWelcomeMail).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, which retries it (4 attempts, backoff) and keeps the failed execution in its history; a DLQ would never receive an event.',
    });
    Validations.of(this.stateMachine).acknowledge(
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
  }
}
