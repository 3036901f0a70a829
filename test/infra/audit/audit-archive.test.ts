import type { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AUDIT_ARCHIVE_MIN_RETENTION_DAYS } from '#infra/audit/audit-archive';
import {
  allStacks,
  propertyAt,
  type Resource,
  resourcesOf,
  synthesizedApp,
  templateOf,
} from '../app-fixture';

type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/**
 * Everything that could rewrite or remove an audit record: no policy may allow any of it, and every
 * grant on the audit table comes with an explicit Deny of exactly this list. Written out here, not
 * imported, so a change to the construct's list shows up as a failing test.
 */
const AUDIT_TAMPER_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:DeleteTable',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLUpdate',
  'dynamodb:UpdateItem',
  'dynamodb:UpdateTable',
];
/** Object actions that would remove, shorten or overrule an archived record's lock. */
const ARCHIVE_TAMPER_ACTIONS = [
  's3:BypassGovernanceRetention',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
];

const audit = () => synthesizedApp().stacks.audit;
const data = () => synthesizedApp().stacks.data;
const logicalId = (construct: { node: { defaultChild?: unknown } }, stack: Stack) =>
  stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;
const archiveBucketId = () => logicalId(audit().archive.bucket, audit());
const auditTableId = () => logicalId(data().tables.audit.table, data());
const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

function only(stack: Stack, type: string): Resource {
  const found = Object.values(resourcesOf(stack, type));
  expect({ type, count: found.length }).toEqual({ type, count: 1 });
  return found[0] as Resource;
}

/** Every policy statement in every stack: role, inline and managed policies, bucket and queue policies. */
function allStatements(): { stack: string; resource: string; statement: Statement }[] {
  const documentsOf = (resource: Resource): unknown[] => {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      return ((props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
        (p) => p.PolicyDocument,
      );
    }
    return props.PolicyDocument ? [props.PolicyDocument] : [];
  };
  return allStacks().flatMap((stack) =>
    [
      'AWS::IAM::Policy',
      'AWS::IAM::ManagedPolicy',
      'AWS::IAM::Role',
      'AWS::S3::BucketPolicy',
      'AWS::SQS::QueuePolicy',
    ].flatMap((type) =>
      Object.entries(resourcesOf(stack, type)).flatMap(([id, resource]) =>
        documentsOf(resource).flatMap((document) =>
          ((document as { Statement?: Statement[] }).Statement ?? []).map((statement) => ({
            stack: stack.stackName,
            resource: id,
            statement,
          })),
        ),
      ),
    ),
  );
}

const globMatches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(value);

/** True when the statement's actions include `action`, wildcards and NotAction included. */
function coversAction(statement: Statement, action: string): boolean {
  if (statement.NotAction) return !list(statement.NotAction).some((pattern) => globMatches(pattern, action));
  return list(statement.Action).some((pattern) => globMatches(pattern, action));
}

/**
 * True when the statement's resources can name the target: a reference to its logical id (GetAtt,
 * cross-stack output, Join), or a literal ARN pattern that matches the target's generated name.
 */
function coversResource(statement: Statement, target: { logicalId: string; sampleArns: string[] }): boolean {
  const resources = statement.Resource === undefined ? [] : [statement.Resource].flat();
  return resources.some((resource) =>
    typeof resource === 'string'
      ? target.sampleArns.some((arn) => globMatches(resource, arn))
      : JSON.stringify(resource).includes(target.logicalId),
  );
}

function allowsOn(target: { logicalId: string; sampleArns: string[] }, actions: readonly string[]) {
  return allStatements()
    .filter(({ statement }) => statement.Effect === 'Allow' && coversResource(statement, target))
    .flatMap(({ stack, resource, statement }) =>
      actions
        .filter((action) => coversAction(statement, action))
        .map((action) => `${stack}/${resource}: ${action}`),
    );
}

const auditTableTarget = () => ({
  logicalId: auditTableId(),
  sampleArns: [
    `arn:aws:dynamodb:${data().region}:${data().account}:table/${data().stackName}-${auditTableId()}-1A2B3C4D5E6F`,
  ],
});
const archiveTarget = () => {
  const name = `${audit().stackName}-${archiveBucketId()}-1a2b3c4d5e6f`.toLowerCase();
  return {
    logicalId: archiveBucketId(),
    sampleArns: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/audit/org=o1/seq=000000000001.json`],
  };
};

describe('audit archive (Object Lock copy of the audit table)', () => {
  beforeAll(() => synthesizedApp());

  const archiveBucket = () => resourcesOf(audit(), 'AWS::S3::Bucket')[archiveBucketId()] as Resource;
  const archivePolicy = () =>
    Object.values(resourcesOf(audit(), 'AWS::S3::BucketPolicy')).find(
      (policy) => JSON.stringify(policy.Properties?.Bucket) === JSON.stringify({ Ref: archiveBucketId() }),
    );
  const archiver = () => audit().archive.archiver;
  const archiverPolicyStatements = () => {
    const roleId = logicalId(archiver().role, audit());
    return Object.values(resourcesOf(audit(), 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
      .flatMap((policy) => propertyAt<Statement[]>(policy, 'PolicyDocument.Statement'));
  };

  it('[PP-09] records are kept under Object Lock in COMPLIANCE mode for at least six years', () => {
    const { config } = synthesizedApp();
    expect(archiveBucket()).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.auditArchiveRetentionDays } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
    expect(config.auditArchiveRetentionDays).toBeGreaterThanOrEqual(AUDIT_ARCHIVE_MIN_RETENTION_DAYS);
    expect(AUDIT_ARCHIVE_MIN_RETENTION_DAYS).toBeGreaterThanOrEqual(2192);
    expect(archiveBucket().Properties?.LifecycleConfiguration).toBeUndefined();
  });

  it('[PP-18] the archive is SSE-KMS under its own rotating key, private, access-logged', () => {
    const keyId = logicalId(audit().archive.encryptionKey, audit());
    expect(archiveBucket().Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'audit-archive/' },
    });
    expect(resourcesOf(audit(), 'AWS::KMS::Key')[keyId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
  });

  it('[PP-18] the bucket policy refuses deletes, overwrites and writes by anyone but the archiver', () => {
    const statements = propertyAt<Statement[]>(archivePolicy(), 'PolicyDocument.Statement');
    const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
    expect(bySid('DenyDeletingArchivedRecords')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    });
    expect(bySid('DenyOverwritingArchivedRecords')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
    expect(bySid('DenyWritesByAnyoneButTheArchiver')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [logicalId(archiver().role, audit()), 'Arn'] } },
      },
    });
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([]);
  });

  it('[PP-18] the archiver may only PutObject under audit/ and checkpoints/ and use the archive key through S3', () => {
    const statements = archiverPolicyStatements();
    const s3Actions = statements
      .flatMap((statement) => list(statement.Action))
      .filter((a) => a.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:PutObject']);
    expect(statements.find((statement) => statement.Sid === 'ArchiveAuditRecords')?.Resource).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveBucketId(), 'Arn'] }, '/audit/*']] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveBucketId(), 'Arn'] }, '/checkpoints/*']] },
    ]);
    expect(statements.find((statement) => statement.Sid === 'EncryptArchivedRecords')).toMatchObject({
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${audit().region}.amazonaws.com` } },
    });
    const fn = resourcesOf(audit(), 'AWS::Lambda::Function')[logicalId(archiver().function, audit())];
    expect(propertyAt(fn, 'Environment.Variables.AUDIT_ARCHIVE_BUCKET_NAME')).toEqual({
      Ref: archiveBucketId(),
    });
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: synthesizedApp().config.lambdaReservedConcurrency,
    });
  });

  it('[PP-09] the audit table stream feeds the archiver from the oldest record, four batches per shard at once, with bisect, retries and a failure queue', () => {
    const mapping = only(audit(), 'AWS::Lambda::EventSourceMapping');
    const queueId = logicalId(audit().archive.failedBatches, audit());
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(archiver().function, audit()) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      // Four batches of a shard at once: the archive keeps up with a partition's writes.
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: expect.any(Number),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(JSON.stringify(mapping.Properties?.EventSourceArn)).toContain(`${auditTableId()}StreamArn`);
    // Reported before the stream's 24-hour retention trims the record.
    expect(mapping.Properties?.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
    const statements = archiverPolicyStatements();
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
    );
  });

  it('[PP-18] failed batches are kept on an SQS queue encrypted with a customer-managed key, TLS only', () => {
    const queueId = logicalId(audit().archive.failedBatches, audit());
    const keyId = logicalId(audit().archive.failedBatchesKey, audit());
    expect(resourcesOf(audit(), 'AWS::SQS::Queue')[queueId]?.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    const queuePolicy = Object.values(resourcesOf(audit(), 'AWS::SQS::QueuePolicy')).find((policy) =>
      JSON.stringify(policy.Properties?.Queues).includes(queueId),
    );
    expect(propertyAt<Statement[]>(queuePolicy, 'PolicyDocument.Statement')).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('[PP-09] audit records never expire from the table (no TTL on the audit table)', () => {
    const table = resourcesOf(data(), 'AWS::DynamoDB::Table')[auditTableId()];
    expect(table?.Properties?.TimeToLiveSpecification).toBeUndefined();
    expect(table?.Properties).toMatchObject({
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      DeletionProtectionEnabled: true,
    });
  });
});

describe('audit records cannot be altered or deleted by the application', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-18] the policy scan sees the grants it should (it is not vacuous)', () => {
    expect(allowsOn(auditTableTarget(), ['dynamodb:PutItem']).length).toBeGreaterThan(0);
    expect(allowsOn(archiveTarget(), ['s3:PutObject'])).toHaveLength(1);
    expect(allowsOn(auditTableTarget(), ['dynamodb:DeleteItem']).length).toBe(0);
  });

  it('[PP-18] no policy in any stack allows updating or deleting audit table items', () => {
    expect(allowsOn(auditTableTarget(), AUDIT_TAMPER_ACTIONS)).toEqual([]);
  });

  it('[PP-18] no policy in any stack allows deleting archived records or changing their lock', () => {
    expect(allowsOn(archiveTarget(), ARCHIVE_TAMPER_ACTIONS)).toEqual([]);
  });

  it('[PP-18] every policy that appends to or queries the audit table also carries the explicit Deny', () => {
    const byDocument = new Map<string, Statement[]>();
    for (const { stack, resource, statement } of allStatements()) {
      const key = `${stack}/${resource}`;
      byDocument.set(key, [...(byDocument.get(key) ?? []), statement]);
    }
    const grants = [
      'ReadAuditChainHead',
      'AppendAuditRecords',
      'QueryAuditRecords',
      'QueryAuditRecordsByTime',
    ];
    const touching = [...byDocument].filter(([, statements]) =>
      statements.some((statement) => statement.Effect === 'Allow' && grants.includes(statement.Sid ?? '')),
    );
    // Every route function appends; the count proves the scan found them.
    expect(touching.length).toBeGreaterThanOrEqual(
      Object.keys(synthesizedApp().stacks.api.routeApi.functions).length,
    );
    for (const [document, statements] of touching) {
      const deny = statements.find((statement) => statement.Sid === 'DenyAuditTampering');
      expect({ document, effect: deny?.Effect }).toEqual({ document, effect: 'Deny' });
      expect([...list(deny?.Action)].sort()).toEqual(AUDIT_TAMPER_ACTIONS);
      expect(coversResource(deny as Statement, auditTableTarget())).toBe(true);
    }
  });

  it('[PP-18] AWS-managed policies (not visible in templates) are a reviewed list; the Backup role is denied tampering', () => {
    const attached = allStacks().flatMap((stack) =>
      Object.entries(resourcesOf(stack, 'AWS::IAM::Role')).flatMap(([roleId, role]) =>
        ((role.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [])
          .map((arn) => JSON.stringify(arn).match(/:iam::aws:policy\/(?:service-role\/)?([A-Za-z0-9]+)/)?.[1])
          .filter((name): name is string => name !== undefined)
          .map((name) => ({ stack, roleId, name })),
      ),
    );
    expect([...new Set(attached.map(({ name }) => name))].sort()).toEqual([
      'AWSBackupServiceRolePolicyForBackup',
      // Grants Put/Update/Delete/BatchWriteItem on table/* for restores into new tables.
      'AWSBackupServiceRolePolicyForRestores',
      // CDK's provider that strips the VPC's default security group rules (restrictDefaultSecurityGroup),
      // and CDK's BucketDeployment handler for the console's static files: CloudWatch Logs only, no data access.
      'AWSLambdaBasicExecutionRole',
      'AmazonAPIGatewayPushToCloudWatchLogs',
    ]);
    const basic = attached.filter(({ name }) => name === 'AWSLambdaBasicExecutionRole');
    expect(
      basic
        .map(({ roleId }) => roleId)
        .every(
          (roleId) =>
            roleId.startsWith('CustomVpcRestrictDefaultSG') || roleId.startsWith('CustomCDKBucketDeployment'),
        ),
    ).toBe(true);
    expect(
      basic.filter(({ roleId }) => roleId.startsWith('CustomCDKBucketDeployment')).map(({ stack }) => stack),
    ).toEqual([synthesizedApp().stacks.console]);
    for (const { stack, roleId } of attached.filter(({ name }) => name.startsWith('AWSBackup'))) {
      const denial = Object.values(resourcesOf(stack, 'AWS::IAM::ManagedPolicy')).find(
        (policy) =>
          JSON.stringify(policy.Properties?.Roles).includes(roleId) &&
          propertyAt<Statement[]>(policy, 'PolicyDocument.Statement').some(
            (statement) =>
              statement.Effect === 'Deny' &&
              AUDIT_TAMPER_ACTIONS.every((action) => coversAction(statement, action)) &&
              coversResource(statement, auditTableTarget()),
          ),
      );
      expect({ roleId, denied: denial !== undefined }).toEqual({ roleId, denied: true });
    }
  });
});

describe('the checkpoint signing key (witness of the chain heads)', () => {
  beforeAll(() => synthesizedApp());

  const keyId = () => logicalId(audit().archive.checkpointKey, audit());
  const archiverRoleArn = () => ({
    'Fn::GetAtt': [logicalId(audit().archive.archiver.role, audit()), 'Arn'],
  });
  const keyTarget = () => ({
    logicalId: keyId(),
    sampleArns: [`arn:aws:kms:${audit().region}:${audit().account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  });

  it('[PP-18] is an asymmetric ECC_NIST_P256 SIGN_VERIFY key, retained', () => {
    expect(resourcesOf(audit(), 'AWS::KMS::Key')[keyId()]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
    });
  });

  it('[PP-18] only the archiver role may kms:Sign with it: its one grant, and a key-policy Deny for everyone else', () => {
    const signers = allowsOn(keyTarget(), ['kms:Sign']);
    const archiverPolicies = Object.entries(resourcesOf(audit(), 'AWS::IAM::Policy'))
      .filter(([, policy]) =>
        JSON.stringify(policy.Properties?.Roles).includes(logicalId(audit().archive.archiver.role, audit())),
      )
      .map(([id]) => `${audit().stackName}/${id}: kms:Sign`);
    expect(signers).toHaveLength(1);
    expect(archiverPolicies).toContain(signers[0]);

    const keyPolicy = propertyAt<Statement[]>(
      resourcesOf(audit(), 'AWS::KMS::Key')[keyId()],
      'KeyPolicy.Statement',
    );
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({
        Sid: 'DenySigningByAnyoneButTheArchiver',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': archiverRoleArn() } },
      }),
    );
    // Nothing else in the key policy names a principal that could sign in its own right.
    for (const statement of keyPolicy.filter((s) => s.Effect === 'Allow')) {
      expect(JSON.stringify(statement.Principal)).toContain(':root');
    }
  });

  it('[PP-18] the archiver is told which key to sign with, and may only Sign with it', () => {
    const fn = resourcesOf(audit(), 'AWS::Lambda::Function')[
      logicalId(audit().archive.archiver.function, audit())
    ];
    expect(propertyAt(fn, 'Environment.Variables.AUDIT_CHECKPOINT_KEY_ARN')).toEqual({
      'Fn::GetAtt': [keyId(), 'Arn'],
    });
    const onKey = Object.values(resourcesOf(audit(), 'AWS::IAM::Policy'))
      .flatMap((policy) => propertyAt<Statement[]>(policy, 'PolicyDocument.Statement'))
      .filter((statement) => JSON.stringify(statement.Resource).includes(keyId()));
    expect(onKey).toEqual([
      {
        Sid: 'SignAuditCheckpoints',
        Effect: 'Allow',
        Action: 'kms:Sign',
        Resource: { 'Fn::GetAtt': [keyId(), 'Arn'] },
      },
    ]);
  });
});

describe('the audit-tamper alarm', () => {
  it('[PP-18] counts every modify or remove the archiver reports and alarms on the first one', () => {
    const template = templateOf(audit());
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "audit record changed" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'PACScribe/Audit',
          MetricName: 'AuditRecordsChanged',
          MetricValue: '1',
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PACScribe/Audit',
      MetricName: 'AuditRecordsChanged',
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('SecurityAlerts') })],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.anyValue(),
    });
  });
});
