import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { LogEncryption } from './log-encryption';

/** Resolved from this file, never from cwd: synth, tests and precompiled runs all find the same entries. */
export const PROJECT_ROOT = path.join(__dirname, '../..');

/** A table plus the names of its indexes, so grants can name each index instead of `index/*`. */
export interface TableRef {
  readonly table: dynamodb.ITable;
  readonly indexNames: readonly string[];
}

/** A state machine and the customer-managed key its execution data is encrypted with. */
export interface StateMachineRef {
  readonly stateMachine: sfn.IStateMachine;
  readonly encryptionKey: kms.IKey;
}

/** The write-once audit archive: its bucket, the key prefix records go under, and the bucket's key. */
export interface AuditArchiveRef {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  /** Records are written under this prefix only (e.g. `audit/`). */
  readonly keyPrefix: string;
}

/** A PHI object bucket (the imaging store) and the customer-managed key its objects are encrypted with. */
export interface ObjectStoreRef {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
}

/** What a function needs to send mail; implemented by the mail context's construct. */
export interface MailSenderRef {
  readonly fromAddress: string;
  readonly configurationSetName: string;
  readonly identityArn: string;
  readonly configurationSetArn: string;
}

export interface PacsFunctionProps {
  /** Handler module relative to functions/, without extension (the route table's `handler`). */
  handler: string;
  description: string;
  /** POWERTOOLS_SERVICE_NAME; groups the logs and traces of one bounded context. */
  serviceName: string;
  logEncryption: LogEncryption;
  reservedConcurrency: number;
  timeout?: Duration;
  memorySize?: number;
}

export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
/** Study deletion removes index entries in batches; it never writes one. */
export const TABLE_DELETE_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
/**
 * Writes that can only add or change items, never remove one: the imaging index keeps every instance it
 * has recorded. BatchWriteItem is left out because it also carries DeleteRequests; TransactWriteItems
 * has no IAM action of its own and is authorized per item as PutItem/UpdateItem/ConditionCheckItem.
 */
export const TABLE_WRITE_NO_DELETE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** WADO-RS: read stored instances (a given version, too, for integrity re-checks). */
export const OBJECT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
/** Study deletion: a delete marker on each current object; versions expire by lifecycle, never by a role. */
export const OBJECT_DELETE_ACTIONS = ['s3:DeleteObject'];
/** STOW-RS: store an instance, and remove the object it just wrote when indexing it fails. */
export const OBJECT_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject'];
/**
 * Upload-session routes, on the staging prefix only: create, sign parts for and complete a multipart
 * upload (PutObject), abort it, check the completed object's size (HeadObject needs GetObject) and
 * discard an object of the wrong size.
 */
export const STAGING_UPLOAD_ACTIONS = [
  's3:PutObject',
  's3:AbortMultipartUpload',
  's3:GetObject',
  's3:DeleteObject',
];
/** The ingest, on the staging prefix only: read the staged object, then delete it. */
export const STAGING_INGEST_ACTIONS = ['s3:GetObject', 's3:DeleteObject'];
/** What every route needs on the audit table: read the chain head, then append the next record. */
export const AUDIT_APPEND_ACTIONS = ['dynamodb:PutItem'];
export const AUDIT_CHAIN_HEAD_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
/** Reviewers' queries: by chain position on the table, by time on the indexes. */
export const AUDIT_QUERY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
/** Everything that could rewrite or remove an audit record. Denied explicitly so no later grant can allow it. */
export const AUDIT_TAMPER_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
];
export const USER_POOL_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminGetUser',
];
const KMS_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_WRITE_ACTIONS = [...KMS_READ_ACTIONS, 'kms:Encrypt', 'kms:GenerateDataKey'];

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
 * The house Lambda: Node.js 24 on arm64, bundled locally by esbuild, its own KMS-encrypted log group,
 * X-Ray, reserved concurrency and a role that starts empty. Each bind* call grants least privilege
 * AND sets the matching env var, so a permission and its configuration cannot drift apart.
 */
export class PacsFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly env: Record<string, string> = {};
  private deniesAuditTampering = false;

  constructor(scope: Construct, id: string, props: PacsFunctionProps) {
    super(scope, id);

    // A role of our own: the CDK default attaches the AWS managed AWSLambdaBasicExecutionRole (logs:* on *).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.handler}`,
    });
    this.logGroup = props.logEncryption.createLogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_YEAR,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'functions', `${props.handler}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { POWERTOOLS_SERVICE_NAME: props.serviceName },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: nodejs.OutputFormat.CJS,
        // Prefer ESM entry points so esbuild can tree-shake.
        mainFields: ['module', 'main'],
        // Ship the pinned AWS SDK rather than whatever the runtime carries: Lambda runs what the tests ran.
        bundleAwsSDK: true,
        externalModules: [],
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
        logLevel: nodejs.LogLevel.ERROR,
      },
    });
    this.env.POWERTOOLS_SERVICE_NAME = props.serviceName;

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          'The functions call only AWS APIs (DynamoDB, S3, KMS, Cognito, SES, Step Functions) over TLS with SigV4, scoped by IAM, and reach no private network resource; a VPC would add NAT or interface endpoints without narrowing what they can touch.',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "The inline policy is this function's own least-privilege grant set, generated by bind* calls; it is not shared and is reviewed with the code.",
      },
    );
  }

  setEnvironment(name: string, value: string): this {
    if (name in this.env && this.env[name] !== value) {
      throw new Error(`${this.node.path}: env ${name} is already bound to another value`);
    }
    this.env[name] = value;
    this.function.addEnvironment(name, value);
    return this;
  }

  /** The env vars set so far (token strings for deploy-time values). */
  get environment(): Readonly<Record<string, string>> {
    return { ...this.env };
  }

  /** Fails synth when the function's env does not satisfy the handler's zod env contract. */
  assertEnvironment(schema: z.ZodType): this {
    const result = schema.safeParse({ AWS_REGION: Stack.of(this).region, ...this.env });
    if (!result.success) {
      const missing = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new Error(`${this.node.path}: env contract not met (${missing})`);
    }
    return this;
  }

  /**
   * `read-write-no-delete`: read plus PutItem/UpdateItem, for tables whose items are never removed by a
   * route (the imaging index).
   */
  bindTable(
    { table, indexNames }: TableRef,
    envName: string,
    access: 'read' | 'read-write' | 'read-write-no-delete' | 'read-delete',
  ): this {
    const actions = {
      read: TABLE_READ_ACTIONS,
      'read-delete': [...TABLE_READ_ACTIONS, ...TABLE_DELETE_ACTIONS],
      'read-write': [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
      'read-write-no-delete': [...TABLE_READ_ACTIONS, ...TABLE_WRITE_NO_DELETE_ACTIONS],
    }[access];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: actions, resources: [table.tableArn] }),
    );
    if (indexNames.length > 0) {
      // Indexes are read-only in DynamoDB; naming each one avoids an index/* wildcard.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
        }),
      );
    }
    this.grantTableKey(table, access === 'read' ? KMS_READ_ACTIONS : KMS_WRITE_ACTIONS);
    return this.setEnvironment(envName, table.tableName);
  }

  /**
   * The one write every route may make on the accounts table: clearing `invitationExpiresAt` when an
   * invited user first signs in. dynamodb:Attributes pins the call to that attribute alone.
   */
  bindInvitationAcceptance({ table }: TableRef): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AcceptInvitation',
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'invitationExpiresAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );
    this.grantTableKey(table, KMS_WRITE_ACTIONS);
    return this;
  }

  /**
   * Append-only access to the audit hash chain: GetItem/Query on the table (to read the chain head;
   * base table only, no index) and PutItem, plus an explicit Deny on every call that could alter or
   * remove a record.
   */
  bindAppendOnlyTable({ table }: TableRef, envName: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAuditChainHead',
        actions: AUDIT_CHAIN_HEAD_READ_ACTIONS,
        resources: [table.tableArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AppendAuditRecords',
        actions: AUDIT_APPEND_ACTIONS,
        resources: [table.tableArn],
      }),
    );
    this.denyAuditTampering(table);
    this.grantTableKey(table, KMS_WRITE_ACTIONS);
    return this.setEnvironment(envName, table.tableName);
  }

  /**
   * Reviewers' read access to the audit table: GetItem/Query on the table and Query on each named
   * index (time-range queries use gsi1), decrypt only. The same explicit Deny as for appenders.
   */
  bindAuditQuery({ table, indexNames }: TableRef, envName: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueryAuditRecords',
        actions: AUDIT_QUERY_ACTIONS,
        resources: [table.tableArn],
      }),
    );
    if (indexNames.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'QueryAuditRecordsByTime',
          actions: ['dynamodb:Query'],
          resources: indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
        }),
      );
    }
    this.denyAuditTampering(table);
    this.grantTableKey(table, KMS_READ_ACTIONS);
    return this.setEnvironment(envName, table.tableName);
  }

  /**
   * PutObject under the archive's prefix, nothing else: no read, no delete, no retention or legal-hold
   * change. KMS use is limited to S3 acting for this function on this bucket.
   */
  bindAuditArchiveWriter({ bucket, encryptionKey, keyPrefix }: AuditArchiveRef, envName: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ArchiveAuditRecords',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${keyPrefix}*`)],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptArchivedRecords',
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    return this.setEnvironment(envName, bucket.bucketName);
  }

  /**
   * Object access on a PHI bucket: `read` is GetObject (any version) plus decrypt; `write` is PutObject
   * and DeleteObject plus the encrypt side of the key. Neither lists the bucket nor touches versions'
   * deletion (DeleteObjectVersion): on the versioned bucket a DeleteObject only adds a delete marker.
   * KMS use is limited to S3 acting for this function.
   */
  bindObjectStore(
    { bucket, encryptionKey }: ObjectStoreRef,
    envName: string,
    access: 'read' | 'write' | 'delete',
  ): this {
    const sidPrefix = { read: 'ReadObjects', write: 'WriteObjects', delete: 'DeleteObjects' }[access];
    const objects = bucket.arnForObjects('*');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: sidPrefix,
        actions: { read: OBJECT_READ_ACTIONS, write: OBJECT_WRITE_ACTIONS, delete: OBJECT_DELETE_ACTIONS }[
          access
        ],
        resources: [objects],
      }),
    );
    // The bucket lives in the Data stack, so the ARN nag sees is the cross-stack reference CDK only
    // settles while preparing the app; the acknowledgement's id is therefore named once it exists
    // (validateTree runs after prepare and before the validation plugins).
    this.node.addValidation({
      validate: () => {
        const resource = nagResourceName(Stack.of(this).resolve(objects));
        Validations.of(this).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            'Instance keys are computed per request (organization, study, series, instance), so the grant covers the objects of the imaging bucket only, with object-level actions alone: no listing, no version deletion, no bucket configuration.',
        });
        return [];
      },
    });
    // A delete marker needs no key.
    if (access !== 'delete') {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${sidPrefix}Key`,
          actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    return this.setEnvironment(envName, bucket.bucketName);
  }

  /**
   * The upload-session staging prefix of the imaging bucket (a quarantine of unvalidated bytes), and
   * nothing else of it. `upload` also signs the part URLs clients PUT to, so those URLs can reach no
   * other key. SSE-KMS multipart uploads need the key's GenerateDataKey and Decrypt, through S3 only.
   */
  bindStagingArea(
    { bucket, encryptionKey }: ObjectStoreRef,
    envName: string,
    access: 'upload' | 'ingest',
    prefix: string,
  ): this {
    const staged = bucket.arnForObjects(`${prefix}*`);
    const sid = access === 'upload' ? 'StageUploads' : 'IngestStagedUploads';
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid,
        actions: access === 'upload' ? STAGING_UPLOAD_ACTIONS : STAGING_INGEST_ACTIONS,
        resources: [staged],
      }),
    );
    this.node.addValidation({
      validate: () => {
        const resource = nagResourceName(Stack.of(this).resolve(staged));
        Validations.of(this).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            'Staging keys are random and made per session, so the grant covers the staging prefix of the imaging bucket only, with object-level actions alone: no listing, no stored instances, no bucket configuration.',
        });
        return [];
      },
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${sid}Key`,
        actions: access === 'upload' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    return this.setEnvironment(envName, bucket.bucketName);
  }

  /** Token verification needs no IAM (the JWKS is public); this only publishes the ids. */
  bindUserPoolClients(
    pool: cognito.IUserPool,
    clients: readonly cognito.IUserPoolClient[],
    env: { poolIdName: string; clientIdsName: string },
  ): this {
    this.setEnvironment(env.poolIdName, pool.userPoolId);
    return this.setEnvironment(env.clientIdsName, clients.map((client) => client.userPoolClientId).join(','));
  }

  bindUserPoolAdmin(pool: cognito.IUserPool, envName: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: USER_POOL_ADMIN_ACTIONS, resources: [pool.userPoolArn] }),
    );
    return this.setEnvironment(envName, pool.userPoolId);
  }

  bindStateMachineStart({ stateMachine, encryptionKey }: StateMachineRef, envName: string): this {
    stateMachine.grantStartExecution(this.role);
    // StartExecution encrypts the input under the state machine's key, as the caller.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachine.stateMachineArn },
        },
      }),
    );
    return this.setEnvironment(envName, stateMachine.stateMachineArn);
  }

  bindMailSender(mail: MailSenderRef, env: { fromAddressName: string; configurationSetName: string }): this {
    // SESv2 SendEmail authorizes against both the sending identity and the configuration set.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [mail.identityArn, mail.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': mail.fromAddress } },
      }),
    );
    this.setEnvironment(env.fromAddressName, mail.fromAddress);
    return this.setEnvironment(env.configurationSetName, mail.configurationSetName);
  }

  private denyAuditTampering(table: dynamodb.ITable): void {
    // Idempotent: a function holding both audit bindings gets one Deny statement.
    if (this.deniesAuditTampering) return;
    this.deniesAuditTampering = true;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DenyAuditTampering',
        effect: iam.Effect.DENY,
        actions: AUDIT_TAMPER_ACTIONS,
        resources: [table.tableArn],
      }),
    );
  }

  private grantTableKey(table: dynamodb.ITable, actions: string[]): void {
    if (!table.encryptionKey) throw new Error(`${this.node.path}: tables must be on a customer-managed key`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [table.encryptionKey.keyArn] }),
    );
  }
}
