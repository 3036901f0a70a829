import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { exportArchiveWorkflow } from '#functions/shared/workflows';
import { imageRenderingFunctionProps } from '#infra/imaging/image-rendering-runtime';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction, type StateMachineRef } from '#infra/shared/pacs-function';
import { type FunctionNetwork, PrivateNetwork } from '#infra/shared/private-network';
import { taskStateMachine } from '#infra/shared/task-state-machine';
import { EXPORT_TASK_BINDINGS } from '#schemas/exports/env';
import type { Binding } from '#schemas/shared/env';

/** The ASL both CDK and the local runner execute (functions/shared/workflows.ts names it). */
export const EXPORT_ARCHIVE_ASL_PATH = path.join(__dirname, '../..', exportArchiveWorkflow.aslFile);
const { RunExportStepFunctionArn: stepHandler } = exportArchiveWorkflow.taskFunctions;

/**
 * Lambda's ceiling: a step stops writing at its budget (EXPORT_TASK_BUDGET_SECONDS, 600 by default) and
 * finishes its part well before this; the state machine's task timeout (960 s) lies just above it.
 */
export const EXPORT_STEP_TIMEOUT = Duration.minutes(15);
/**
 * Memory of a step: one part's multipart upload (2 × 16 MiB), one file held for verification (4 MiB),
 * one frame rendered (RENDER_LIMITS: under 300 MiB) and the part's manifest; 1,769 MB is also one full
 * vCPU, which rendering uses.
 */
export const EXPORT_STEP_MEMORY_MB = 1769;

/**
 * In the VPC the task cannot reach api.stripe.com: instead of the Stripe secret it may invoke the invoice
 * lister outside the VPC (infra/billing/invoice-lister.ts), which holds it. Elsewhere (isolation off, and
 * the local stack) it calls Stripe itself.
 */
export function exportTaskBindings(network: FunctionNetwork): Binding[] {
  if (!(network instanceof PrivateNetwork)) return [...EXPORT_TASK_BINDINGS];
  return [
    ...EXPORT_TASK_BINDINGS.filter((binding) => binding !== 'stripe:secret'),
    'billing-invoices:invoke',
  ];
}

export interface ExportArchiveWorkflowProps {
  resources: BindingResources;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
  stage: string;
}

/**
 * Exports a whole organization [PP-14, PP-15]: plans, writes numbered ZIP parts into the exports bucket,
 * finishes. State holds ids only; execution data never reaches the logs.
 */
export class ExportArchiveWorkflow extends Construct implements StateMachineRef {
  readonly stateMachine: sfn.StateMachine;
  readonly encryptionKey: kms.IKey;
  readonly step: PacsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ExportArchiveWorkflowProps) {
    super(scope, id);
    this.encryptionKey = props.logEncryption.key;
    this.step = new PacsFunction(this, 'Step', {
      handler: stepHandler,
      description: 'Export workflow task: plans an organization export, writes its ZIP parts, finishes it',
      serviceName: 'pacscribe-exports',
      logEncryption: props.logEncryption,
      network: props.network,
      vendorLibraries: true,
      reservedConcurrency: props.reservedConcurrency,
      timeout: EXPORT_STEP_TIMEOUT,
      ...imageRenderingFunctionProps(this),
      memorySize: EXPORT_STEP_MEMORY_MB,
    });
    applyBindings(this.step, exportTaskBindings(props.network), props.resources);
    ({ stateMachine: this.stateMachine, logGroup: this.logGroup } = taskStateMachine(this, {
      name: 'export-archive',
      stage: props.stage,
      aslPath: EXPORT_ARCHIVE_ASL_PATH,
      substitution: 'RunExportStepFunctionArn',
      task: this.step.function,
      timeout: Duration.days(1),
      logEncryption: props.logEncryption,
    }));
    Validations.of(this.step).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, which retries each step from its checkpoint and, when retries run out, runs the GiveUp step that fails the export and deletes its parts.',
    });
  }
}
