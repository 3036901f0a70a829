import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { preferencePropagationWorkflow } from '#functions/shared/workflows';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction, type StateMachineRef } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { taskStateMachine } from '#infra/shared/task-state-machine';
import { PROPAGATION_TASK_BINDINGS } from '#schemas/mail/env';

/** The ASL both CDK and the local runner execute (functions/shared/workflows.ts names it). */
export const PREFERENCE_PROPAGATION_ASL_PATH = path.join(
  __dirname,
  '../..',
  preferencePropagationWorkflow.aslFile,
);
const { PropagatePreferenceFunctionArn: propagateHandler } = preferencePropagationWorkflow.taskFunctions;

export interface PreferencePropagationWorkflowProps {
  resources: Pick<BindingResources, 'accountsTable' | 'mailTable' | 'mailContactList' | 'marketingAudience'>;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
  stage: string;
}

/**
 * Carries each marketing choice to every marketing system — the preference record, the SES contact
 * list's marketing topic, PACScribe's own audience export — and records a timestamp per system and the
 * completion [PP-21]. State holds ids only; execution data never reaches the logs.
 */
export class PreferencePropagationWorkflow extends Construct implements StateMachineRef {
  readonly stateMachine: sfn.StateMachine;
  readonly encryptionKey: kms.IKey;
  readonly propagate: PacsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PreferencePropagationWorkflowProps) {
    super(scope, id);
    this.encryptionKey = props.logEncryption.key;
    this.propagate = new PacsFunction(this, 'Propagate', {
      handler: propagateHandler,
      description: 'Preference propagation task: applies a marketing choice to one marketing system',
      serviceName: 'pacscribe-mail',
      logEncryption: props.logEncryption,
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(30),
    });
    applyBindings(this.propagate, PROPAGATION_TASK_BINDINGS, props.resources);
    ({ stateMachine: this.stateMachine, logGroup: this.logGroup } = taskStateMachine(this, {
      name: 'preference-propagation',
      stage: props.stage,
      aslPath: PREFERENCE_PROPAGATION_ASL_PATH,
      substitution: 'PropagatePreferenceFunctionArn',
      task: this.propagate.function,
      // Retries back off within minutes; a day leaves room for an SES or S3 outage well inside the deadline.
      timeout: Duration.days(1),
      logEncryption: props.logEncryption,
    }));
    Validations.of(this.propagate).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, which retries each step and keeps a failed execution in its history; an unfinished opt-out stays pending and the overdue alarm fires at its deadline.',
    });
  }
}
