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
import { dicomLayer } from './dicom-layer';
import { HANDLER_BUNDLE_OPTIONS } from './esbuild-options';
import { memoryPlanFor } from './function-memory';
import type { LogEncryption } from './log-encryption';
import { acknowledgeWildcardResource } from './nag-acknowledgements';
import { type FunctionNetwork, PrivateNetwork } from './private-network';
import { PROJECT_ROOT } from './project-root';
import { vendorLayer } from './vendor-layer';

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
  /**
   * The private network for a function that touches PHI (or ISOLATION_OFF when vpcIsolation is off);
   * `{ outsideVpc: why }` only for a function that holds no PHI, saying why [PP-18].
   */
  network: FunctionNetwork;
  /** A ceiling (and a reservation) on concurrent executions; absent, the function shares the account's pool. */
  reservedConcurrency: number | undefined;
  timeout?: Duration;
  memorySize?: number;
  /** arm64 unless a native dependency needs otherwise (image rendering: sharp's linux-x64 build). */
  architecture?: lambda.Architecture;
  layers?: lambda.ILayerVersion[];
  /** The handler reads DICOM: dcmjs and dcmjs-codecs, left out of its bundle, come from the DICOM layer. */
  dicomLibraries?: boolean;
  /** The handler uses a library of the vendor layer (VENDOR_LAYER_MODULES), left out of its bundle. */
  vendorLibraries?: boolean;
  /** Files (absolute paths) copied beside the bundle, such as a WebAssembly module the code loads. */
  filesBesideBundle?: readonly string[];
}

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
/** Study deletion removes index entries in batches; it never writes one. */
const TABLE_DELETE_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const TABLE_WRITE_ACTIONS = [
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
const TABLE_WRITE_NO_DELETE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** WADO-RS: read stored instances (a given version, too, for integrity re-checks). */
const OBJECT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
/** Study deletion: a delete marker on each current object; versions expire by lifecycle, never by a role. */
const OBJECT_DELETE_ACTIONS = ['s3:DeleteObject'];
/** STOW-RS: store an instance, and remove the object it just wrote when indexing it fails. */
const OBJECT_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject'];
const USER_POOL_ADMIN_ACTIONS = [
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
/**
 * What Lambda needs to attach a function to its subnets (the actions of the AWS managed
 * AWSLambdaVPCAccessExecutionRole, without its logs:* on every log group). EC2 offers no resource
 * scoping Lambda can use here.
 */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];
/** The acknowledgement of a function outside any VPC while isolation is off (the earlier design). */
const OUTSIDE_VPC_ISOLATION_OFF_REASON =
  'The functions call only AWS APIs (DynamoDB, S3, KMS, Cognito, SES, Step Functions) over TLS with SigV4, scoped by IAM, and reach no private network resource; a VPC would add NAT or interface endpoints without narrowing what they can touch.';

/** The shared handler bundle options (infra/shared/esbuild-options.ts) as NodejsFunction bundling props. */
const BUNDLING: nodejs.BundlingOptions = {
  minify: HANDLER_BUNDLE_OPTIONS.minify,
  sourceMap: HANDLER_BUNDLE_OPTIONS.sourcemap,
  sourcesContent: HANDLER_BUNDLE_OPTIONS.sourcesContent,
  target: HANDLER_BUNDLE_OPTIONS.target,
  format: { cjs: nodejs.OutputFormat.CJS, esm: nodejs.OutputFormat.ESM }[HANDLER_BUNDLE_OPTIONS.format],
  mainFields: HANDLER_BUNDLE_OPTIONS.mainFields,
  // CDK leaves the AWS SDK to the runtime unless told otherwise; the shared options bundle everything.
  bundleAwsSDK: true,
  externalModules: HANDLER_BUNDLE_OPTIONS.external,
  esbuildArgs: {
    '--supported:dynamic-import': String(HANDLER_BUNDLE_OPTIONS.supported['dynamic-import']),
  },
  tsconfig: HANDLER_BUNDLE_OPTIONS.tsconfig,
  logLevel: nodejs.LogLevel.ERROR,
  // The privacy policy documents travel with the code: each function reads the version in force from
  // them at cold start (continued use, [PP-24]), and the policy routes serve them.
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      `mkdir -p "${outputDir}/policies" && cp -R "${inputDir}/policies/privacy" "${outputDir}/policies/"`,
    ],
  },
};

/** Where the bundle's copy of policies/privacy sits in Lambda. */
export const LAMBDA_PRIVACY_POLICY_DIR = '/var/task/policies/privacy';

/** The shared bundling, plus files copied into the bundle's directory once esbuild is done. */
function withFilesBesideBundle(files: readonly string[]): nodejs.BundlingOptions {
  return {
    ...BUNDLING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        // Keep the policy copy every bundle carries, then add this function's own files.
        ...(BUNDLING.commandHooks?.afterBundling(inputDir, outputDir) ?? []),
        ...files.map((file) => `cp ${JSON.stringify(file)} ${JSON.stringify(outputDir)}`),
      ],
    },
  };
}

/**
 * The house Lambda: Node.js 24 on arm64, bundled locally by esbuild, its own KMS-encrypted log group,
 * X-Ray, reserved concurrency, the private network when it touches PHI (infra/shared/private-network.ts)
 * and a role that starts empty. Each bind* call grants least privilege
 * AND sets the matching env var, so a permission and its configuration cannot drift apart. Grants
 * particular to one context live with that context's bindings (infra/<context>/bindings.ts).
 */
export class PacsFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The handler module it runs (functions/<handler>.ts). */
  readonly handler: string;
  private readonly env: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: PacsFunctionProps) {
    super(scope, id);
    this.handler = props.handler;

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
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      // From the function's measured footprint and its largest working set (infra/shared/function-memory.ts).
      memorySize: props.memorySize ?? memoryPlanFor(props.handler).memoryMB,
      ...(props.layers || props.dicomLibraries || props.vendorLibraries
        ? {
            layers: [
              ...(props.layers ?? []),
              ...(props.dicomLibraries ? [dicomLayer(this)] : []),
              ...(props.vendorLibraries ? [vendorLayer(this)] : []),
            ],
          }
        : {}),
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { POWERTOOLS_SERVICE_NAME: props.serviceName },
      // With our own role CDK adds no managed policy for the VPC; the ENI grant is made below.
      ...(props.network instanceof PrivateNetwork ? props.network.functionPlacement() : {}),
      bundling: props.filesBesideBundle?.length ? withFilesBesideBundle(props.filesBesideBundle) : BUNDLING,
    });
    this.env.POWERTOOLS_SERVICE_NAME = props.serviceName;
    if (props.reservedConcurrency === undefined) {
      Validations.of(this.function).acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Reading-path function (retrieval, search, JSON API): it shares the account pool, which the capacity model (infra/api/capacity-model.ts, checked at synth) keeps larger than the modeled peak, while uploads, rendering and public routes are capped so they cannot take it.',
      });
    }

    if (props.network instanceof PrivateNetwork) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] }),
      );
    } else {
      Validations.of(this.function).acknowledge({
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          'outsideVpc' in props.network
            ? `Outside the VPC and holding no PHI: ${props.network.outsideVpc}`
            : OUTSIDE_VPC_ISOLATION_OFF_REASON,
      });
    }

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          props.network instanceof PrivateNetwork
            ? 'X-Ray PutTraceSegments/PutTelemetryRecords and the network-interface actions Lambda needs to place the function in its subnets support no resource-level permissions.'
            : 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "The inline policy is this function's own least-privilege grant set, generated by its bindings; it is not shared and is reviewed with the code.",
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
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn] }));
    if (indexNames.length > 0) {
      // Indexes are read-only in DynamoDB; naming each one avoids an index/* wildcard.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
        }),
      );
    }
    this.grantTableKey(table, access === 'read' ? 'decrypt' : 'encrypt-decrypt');
    return this.setEnvironment(envName, table.tableName);
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
    acknowledgeWildcardResource(
      this,
      objects,
      'Instance keys are computed per request (organization, study, series, instance), so the grant covers the objects of the imaging bucket only, with object-level actions alone: no listing, no version deletion, no bucket configuration.',
    );
    // A delete marker needs no key.
    if (access !== 'delete') {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${sidPrefix}Key`,
          actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [encryptionKey.keyArn],
          conditions: this.kmsViaS3Condition(),
        }),
      );
    }
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

  /** The table's customer-managed key, for a grant made outside bindTable (a narrower table grant). */
  grantTableKey(table: dynamodb.ITable, use: 'decrypt' | 'encrypt-decrypt'): this {
    if (!table.encryptionKey) throw new Error(`${this.node.path}: tables must be on a customer-managed key`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: use === 'decrypt' ? KMS_READ_ACTIONS : KMS_WRITE_ACTIONS,
        resources: [table.encryptionKey.keyArn],
      }),
    );
    return this;
  }

  /** KMS condition: the key is used only by S3 acting for this function, in this function's region. */
  kmsViaS3Condition(): Record<string, Record<string, string>> {
    return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } };
  }
}
