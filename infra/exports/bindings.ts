import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PARTS_PREFIX, WORK_PREFIX } from '#functions/exports/core/export-keys';
import { bindingTable } from '#infra/shared/binding-definition';
import { acknowledgeWildcardResource } from '#infra/shared/nag-acknowledgements';
import type { ObjectStoreRef, PacsFunction, StateMachineRef, TableRef } from '#infra/shared/pacs-function';
import { EXPORT_WRITER_DEFAULTS, EXPORTS_BINDINGS } from '#schemas/exports/env';

/** The deployed resources the exports context's bindings point at. */
export interface ExportsResources {
  exportsTable?: TableRef;
  exportsStore?: ObjectStoreRef;
  exportWorkflow?: StateMachineRef;
}

/**
 * Object-level grants on the exports bucket by prefix: parts (exports/) and the workflow's plan (work/).
 * Keys are `<prefix><exportId>/…` with random export ids, so a prefix grant is the narrowest there is.
 */
function grantExportObjects(
  fn: PacsFunction,
  { bucket, encryptionKey }: ObjectStoreRef,
  access: 'read' | 'discard' | 'write',
): void {
  const parts = bucket.arnForObjects(`${PARTS_PREFIX}*`);
  const work = bucket.arnForObjects(`${WORK_PREFIX}*`);
  const grant = {
    read: { sid: 'ReadExportParts', actions: ['s3:GetObject'], resources: [parts] },
    discard: { sid: 'DiscardExports', actions: ['s3:DeleteObject'], resources: [parts, work] },
    write: {
      sid: 'WriteExports',
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [parts, work],
    },
  }[access];
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement(grant));
  for (const resource of grant.resources) {
    acknowledgeWildcardResource(
      fn,
      resource,
      'Export keys are <prefix><random export id>/…, made by the workflow; the grant covers one prefix of the exports bucket with object-level actions only: no listing, no bucket configuration.',
    );
  }
  // Deleting decrypts nothing; reading decrypts, writing (multipart SSE-KMS) also makes data keys.
  if (access === 'discard') return;
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: `${grant.sid}Key`,
      actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [encryptionKey.keyArn],
      conditions: fn.kmsViaS3Condition(),
    }),
  );
}

export const exportsBindings = bindingTable<typeof EXPORTS_BINDINGS, ExportsResources>(EXPORTS_BINDINGS, {
  'exports-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('exportsTable'), env.EXPORTS_TABLE_NAME, 'read'),
  },
  'exports-table:write': {
    includes: 'exports-table:read',
    // The running-export slot is deleted when the export ends; records end by TTL.
    grant: (fn, need, env) => fn.bindTable(need('exportsTable'), env.EXPORTS_TABLE_NAME, 'read-write'),
  },
  'exports-store:read': {
    grant: (fn, need, env) => {
      grantExportObjects(fn, need('exportsStore'), 'read');
      fn.setEnvironment(env.EXPORTS_BUCKET_NAME, need('exportsStore').bucket.bucketName);
    },
  },
  'exports-store:discard': {
    grant: (fn, need, env) => {
      grantExportObjects(fn, need('exportsStore'), 'discard');
      fn.setEnvironment(env.EXPORTS_BUCKET_NAME, need('exportsStore').bucket.bucketName);
    },
  },
  'exports-store:write': {
    grant: (fn, need, env) => {
      grantExportObjects(fn, need('exportsStore'), 'write');
      fn.setEnvironment(env.EXPORTS_BUCKET_NAME, need('exportsStore').bucket.bucketName);
      // Stated in the template, so the part size and step budget are read where they take effect.
      fn.setEnvironment(env.EXPORT_PART_MAX_BYTES, String(EXPORT_WRITER_DEFAULTS.EXPORT_PART_MAX_BYTES));
      fn.setEnvironment(
        env.EXPORT_TASK_BUDGET_SECONDS,
        String(EXPORT_WRITER_DEFAULTS.EXPORT_TASK_BUDGET_SECONDS),
      );
      fn.setEnvironment(
        env.EXPORT_MAX_RENDERED_FRAMES,
        String(EXPORT_WRITER_DEFAULTS.EXPORT_MAX_RENDERED_FRAMES),
      );
    },
  },
  'export-workflow:start': {
    grant: (fn, need, env) => {
      const workflow = need('exportWorkflow');
      fn.bindStateMachineStart(workflow, env.EXPORT_WORKFLOW_ARN);
      // Cancel stops the export's execution (executions of this state machine only).
      const executions = Stack.of(fn).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${Arn.split(workflow.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'StopExportExecutions',
          actions: ['states:StopExecution'],
          resources: [executions],
        }),
      );
      acknowledgeWildcardResource(
        fn,
        executions,
        "Execution names are made per export at start, so stopping one needs the executions of the export state machine: that machine's executions only, StopExecution only.",
      );
    },
  },
});
