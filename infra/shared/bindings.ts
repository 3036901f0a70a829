import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { UPLOAD_STAGING_PREFIX } from '#schemas/imaging/upload-session';
import { BINDINGS, type Binding } from '#schemas/shared/env';
import type {
  AuditArchiveRef,
  MailSenderRef,
  ObjectStoreRef,
  PacsFunction,
  StateMachineRef,
  TableRef,
} from './pacs-function';

/** The deployed resources a binding can point at; a stack passes what it has. */
export interface BindingResources {
  accountsTable?: TableRef;
  auditTable?: TableRef;
  auditArchive?: AuditArchiveRef;
  imagingTable?: TableRef;
  imagingStore?: ObjectStoreRef;
  uploadsTable?: TableRef;
  uploadIngestWorkflow?: StateMachineRef;
  customerPool?: cognito.IUserPool;
  welcomeWorkflow?: StateMachineRef;
  mail?: MailSenderRef;
  appBaseUrl?: string;
}

function required<T>(value: T | undefined, binding: Binding, what: string): T {
  if (value === undefined)
    throw new Error(`binding ${binding} needs ${what}, which this stack did not provide`);
  return value;
}

/**
 * Turns a binding from the env contract (schemas/shared/env.ts) into the grant + env var pair.
 * Env names come from BINDINGS, so the handlers' zod env schema and the deployed env cannot disagree.
 */
export function applyBinding(fn: PacsFunction, binding: Binding, resources: BindingResources): void {
  switch (binding) {
    case 'accounts-table:read': {
      const [tableName] = BINDINGS[binding];
      fn.bindTable(required(resources.accountsTable, binding, 'the accounts table'), tableName, 'read');
      return;
    }
    case 'accounts-table:write': {
      const [tableName] = BINDINGS[binding];
      fn.bindTable(required(resources.accountsTable, binding, 'the accounts table'), tableName, 'read-write');
      return;
    }
    case 'accounts-table:accept-invitation': {
      fn.bindInvitationAcceptance(required(resources.accountsTable, binding, 'the accounts table'));
      return;
    }
    case 'audit-table:append': {
      const [tableName] = BINDINGS[binding];
      fn.bindAppendOnlyTable(required(resources.auditTable, binding, 'the audit table'), tableName);
      return;
    }
    case 'audit-table:read': {
      const [tableName] = BINDINGS[binding];
      fn.bindAuditQuery(required(resources.auditTable, binding, 'the audit table'), tableName);
      return;
    }
    case 'imaging-index:read': {
      const [tableName] = BINDINGS[binding];
      fn.bindTable(required(resources.imagingTable, binding, 'the imaging table'), tableName, 'read');
      return;
    }
    case 'imaging-index:delete': {
      // Study deletion only: read to find the entries, delete them; never put or update.
      const [tableName] = BINDINGS[binding];
      fn.bindTable(required(resources.imagingTable, binding, 'the imaging table'), tableName, 'read-delete');
      return;
    }
    case 'imaging-store:delete': {
      const [bucketName] = BINDINGS[binding];
      fn.bindObjectStore(
        required(resources.imagingStore, binding, 'the imaging bucket'),
        bucketName,
        'delete',
      );
      return;
    }
    case 'imaging-index:write': {
      // Read and write, never delete: the index keeps every instance it has recorded.
      const [tableName] = BINDINGS[binding];
      fn.bindTable(
        required(resources.imagingTable, binding, 'the imaging table'),
        tableName,
        'read-write-no-delete',
      );
      return;
    }
    case 'imaging-store:read': {
      const [bucketName] = BINDINGS[binding];
      fn.bindObjectStore(required(resources.imagingStore, binding, 'the imaging bucket'), bucketName, 'read');
      return;
    }
    case 'imaging-store:write': {
      const [bucketName] = BINDINGS[binding];
      fn.bindObjectStore(
        required(resources.imagingStore, binding, 'the imaging bucket'),
        bucketName,
        'write',
      );
      return;
    }
    case 'upload-sessions:read': {
      const [tableName] = BINDINGS[binding];
      fn.bindTable(required(resources.uploadsTable, binding, 'the uploads table'), tableName, 'read');
      return;
    }
    case 'upload-sessions:write': {
      // Sessions expire by TTL; no function deletes them.
      const [tableName] = BINDINGS[binding];
      fn.bindTable(
        required(resources.uploadsTable, binding, 'the uploads table'),
        tableName,
        'read-write-no-delete',
      );
      return;
    }
    case 'upload-staging:write':
    case 'upload-staging:ingest': {
      const [bucketName] = BINDINGS[binding];
      fn.bindStagingArea(
        required(resources.imagingStore, binding, 'the imaging bucket'),
        bucketName,
        binding === 'upload-staging:write' ? 'upload' : 'ingest',
        UPLOAD_STAGING_PREFIX,
      );
      return;
    }
    case 'upload-ingest:start': {
      const [workflowArn] = BINDINGS[binding];
      fn.bindStateMachineStart(
        required(resources.uploadIngestWorkflow, binding, 'the upload-ingest workflow'),
        workflowArn,
      );
      return;
    }
    case 'audit-archive:write': {
      const [bucketName] = BINDINGS[binding];
      fn.bindAuditArchiveWriter(required(resources.auditArchive, binding, 'the audit archive'), bucketName);
      return;
    }
    case 'customer-pool:admin': {
      const [poolId] = BINDINGS[binding];
      fn.bindUserPoolAdmin(required(resources.customerPool, binding, 'the customer user pool'), poolId);
      return;
    }
    case 'welcome-workflow:start': {
      const [workflowArn] = BINDINGS[binding];
      fn.bindStateMachineStart(
        required(resources.welcomeWorkflow, binding, 'the welcome workflow'),
        workflowArn,
      );
      return;
    }
    case 'mail:send': {
      const [fromAddressName, configurationSetName, appBaseUrlName] = BINDINGS[binding];
      fn.bindMailSender(required(resources.mail, binding, 'the mail sender'), {
        fromAddressName,
        configurationSetName,
      });
      fn.setEnvironment(appBaseUrlName, required(resources.appBaseUrl, binding, 'the app base URL'));
      return;
    }
    default: {
      const unhandled: never = binding;
      throw new Error(`no infrastructure for binding ${String(unhandled)}`);
    }
  }
}
