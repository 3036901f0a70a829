import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { welcomeMailWorkflow } from '#functions/shared/workflows';
import { applyBindings } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import {
  type MailSenderRef,
  PacsFunction,
  type StateMachineRef,
  type TableRef,
} from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { taskStateMachine } from '#infra/shared/task-state-machine';
import { WELCOME_MAIL_TASK_BINDINGS } from '#schemas/mail/env';

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
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
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
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(30),
    });
    applyBindings(this.sendWelcomeMail, WELCOME_MAIL_TASK_BINDINGS, {
      accountsTable: props.accountsTable,
      mail: props.mail,
      appBaseUrl: props.appBaseUrl,
    });

    ({ stateMachine: this.stateMachine, logGroup: this.logGroup } = taskStateMachine(this, {
      name: 'welcome-mail',
      stage: props.stage,
      aslPath: WELCOME_MAIL_ASL_PATH,
      substitution: 'SendWelcomeMailFunctionArn',
      task: this.sendWelcomeMail.function,
      timeout: Duration.minutes(15),
      logEncryption: props.logEncryption,
    }));

    Validations.of(this.sendWelcomeMail).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, which retries it (4 attempts, backoff) and keeps the failed execution in its history; a DLQ would never receive an event.',
    });
  }
}
