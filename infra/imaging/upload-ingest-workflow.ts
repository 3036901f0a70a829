import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { uploadIngestWorkflow } from '#functions/shared/workflows';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction, type StateMachineRef } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { taskStateMachine } from '#infra/shared/task-state-machine';
import { UPLOAD_INGEST_TASK_BINDINGS } from '#schemas/imaging/env';

/** Shared with the local runner (aws-local-stepfunctions), which executes the same file. */
export const UPLOAD_INGEST_ASL_PATH = path.join(__dirname, '../..', uploadIngestWorkflow.aslFile);
const { IngestUploadFunctionArn: ingestHandler } = uploadIngestWorkflow.taskFunctions;

/** Sized for the largest file a session accepts (1 GiB), held with its sanitized copy. */
export const UPLOAD_INGEST_MEMORY_MB = 6144;

export interface UploadIngestWorkflowProps {
  resources: Pick<BindingResources, 'uploadsTable' | 'imagingTable' | 'imagingStore' | 'auditTable'>;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
  stage: string;
}

/**
 * Ingests completed upload sessions asynchronously. State holds ids only; logging is ALL without
 * execution data. The task pauses at a checkpoint before its own timeout and the state machine calls it
 * again; failures are retried with backoff, then the session is marked failed.
 */
export class UploadIngestWorkflow extends Construct implements StateMachineRef {
  readonly stateMachine: sfn.StateMachine;
  readonly encryptionKey: kms.IKey;
  readonly ingest: PacsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: UploadIngestWorkflowProps) {
    super(scope, id);

    this.encryptionKey = props.logEncryption.key;
    this.ingest = new PacsFunction(this, 'Ingest', {
      handler: ingestHandler,
      description: 'Upload-ingest workflow task: validates and stores the instances of an upload session',
      serviceName: 'pacscribe-imaging',
      logEncryption: props.logEncryption,
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.minutes(15),
      memorySize: UPLOAD_INGEST_MEMORY_MB,
      dicomLibraries: true,
    });
    applyBindings(this.ingest, UPLOAD_INGEST_TASK_BINDINGS, props.resources);

    ({ stateMachine: this.stateMachine, logGroup: this.logGroup } = taskStateMachine(this, {
      name: 'upload-ingest',
      stage: props.stage,
      aslPath: UPLOAD_INGEST_ASL_PATH,
      substitution: 'IngestUploadFunctionArn',
      task: this.ingest.function,
      timeout: Duration.hours(6),
      logEncryption: props.logEncryption,
    }));

    Validations.of(this.ingest).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, which retries it with backoff, then marks the session failed and keeps the execution in its history; a DLQ would never receive an event.',
    });
  }
}
