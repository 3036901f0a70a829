import { readFileSync } from 'node:fs';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { uploadsTable } from '#infra/data/table-definitions';
import { UPLOAD_INGEST_ASL_PATH, UPLOAD_INGEST_MEMORY_MB } from '#infra/imaging/upload-ingest-workflow';
import { UPLOAD_STAGING_PREFIX } from '#schemas/imaging/upload-session';
import { propertyAt, type Resource, resourcesOf, synthesizedApp } from '../app-fixture';

type Props = Record<string, unknown>;
const data = () => synthesizedApp().stacks.data;
const replica = () => synthesizedApp().stacks.replica;
const workflows = () => synthesizedApp().stacks.workflows;
const actions = (statement: Props | undefined) => ([statement?.Action ?? []].flat() as string[]).sort();
const logicalId = (stack: ReturnType<typeof workflows>, construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;

function bucketWithReplication(): Resource | undefined {
  return Object.values(resourcesOf(data(), 'AWS::S3::Bucket')).find(
    (bucket) => bucket.Properties?.ReplicationConfiguration,
  );
}

/** The statements of the ingest function's role. */
function ingestStatements(): Props[] {
  const stack = workflows();
  const roleId = logicalId(stack, stack.uploadIngest.ingest.role);
  return Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
    .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'));
}

describe('upload sessions: storage, staging and the ingest workflow', () => {
  beforeAll(() => synthesizedApp());

  it('staged uploads expire: incomplete multipart uploads aborted, objects and old versions gone after a day', () => {
    const replicaBucket = Object.values(resourcesOf(replica(), 'AWS::S3::Bucket')).find(
      (bucket) => bucket.Properties?.BucketName === replicaImagingBucketName(synthesizedApp().config),
    );
    // Replication copies staged objects too; the replica's copies expire the same way.
    for (const bucket of [bucketWithReplication(), replicaBucket]) {
      const rules = propertyAt<Props[]>(bucket, 'LifecycleConfiguration.Rules');
      expect(rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Id: 'ExpireStagedUploads',
            Prefix: UPLOAD_STAGING_PREFIX,
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            ExpirationInDays: 1,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          }),
          expect.objectContaining({
            Id: 'RemoveStagedDeleteMarkers',
            Prefix: UPLOAD_STAGING_PREFIX,
            ExpiredObjectDeleteMarker: true,
          }),
        ]),
      );
    }
  });

  it('the imaging bucket lets only the configured viewers and the web console PUT parts, exposing ETag', () => {
    const { config } = synthesizedApp();
    const cors = propertyAt<{ CorsRules: Props[] }>(bucketWithReplication(), 'CorsConfiguration');
    expect(cors.CorsRules).toEqual([
      {
        AllowedMethods: ['PUT'],
        AllowedOrigins: [...config.dicomwebCorsOrigins, new URL(config.appBaseUrl).origin],
        AllowedHeaders: ['Content-Type'],
        ExposedHeaders: ['ETag'],
        MaxAge: 3600,
      },
    ]);
    for (const origin of config.dicomwebCorsOrigins) expect(origin).not.toContain('*');
  });

  it('[PP-13] sessions have their own table with TTL, on its own customer-managed key, backed up', () => {
    const [table, ...others] = Object.entries(resourcesOf(data(), 'AWS::DynamoDB::Table')).filter(([id]) =>
      id.includes('UploadsTable'),
    );
    expect(others).toEqual([]);
    expect(table?.[1].Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: uploadsTable.timeToLiveAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const selection = Object.values(resourcesOf(data(), 'AWS::Backup::BackupSelection'))[0];
    expect(propertyAt<unknown[]>(selection, 'BackupSelection.Resources')).toContainEqual({
      'Fn::GetAtt': [table?.[0], 'Arn'],
    });
  });

  it('[PP-18] the deployed workflow is the shared ASL file: ids only in state, retries with backoff, then give up', () => {
    const machines = Object.values(resourcesOf(workflows(), 'AWS::StepFunctions::StateMachine'));
    const machine = machines.find((candidate) =>
      JSON.stringify(candidate.Properties?.DefinitionSubstitutions).includes('IngestUploadFunctionArn'),
    );
    const asl = readFileSync(UPLOAD_INGEST_ASL_PATH, 'utf8');
    expect(machine?.Properties?.DefinitionString).toBe(asl);
    expect(machine?.Properties).toMatchObject({
      LoggingConfiguration: expect.objectContaining({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: expect.objectContaining({ Type: 'CUSTOMER_MANAGED_KMS_KEY' }),
    });
    const states = (JSON.parse(asl) as { States: Record<string, Props> }).States;
    for (const state of Object.values(states).filter((candidate) => candidate.Type === 'Task')) {
      expect(Object.keys(state.Parameters as Props).sort()).toEqual(['orgId.$', 'sessionId.$', 'step']);
      expect(state.Retry).toEqual([expect.objectContaining({ BackoffRate: 2, MaxAttempts: 4 })]);
    }
    expect(states.Ingest?.Catch).toEqual([expect.objectContaining({ Next: 'GiveUp', ResultPath: null })]);
  });

  it('[PP-18] the state machine may invoke the ingest function and nothing else', () => {
    const stack = workflows();
    const machineRole = stack.uploadIngest.stateMachine.role;
    const roleId = logicalId(stack, machineRole as never);
    const invokes = Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
      .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'))
      .filter((statement) => actions(statement).includes('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.Resource).toEqual({
      'Fn::GetAtt': [logicalId(stack, stack.uploadIngest.ingest.function), 'Arn'],
    });
  });

  it('[PP-18] the ingest function: large-file memory and timeout, staged objects read and deleted under uploads/ only', () => {
    const stack = workflows();
    const fn = resourcesOf(stack, 'AWS::Lambda::Function')[
      logicalId(stack, stack.uploadIngest.ingest.function)
    ];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: UPLOAD_INGEST_MEMORY_MB,
    });
    const statements = ingestStatements();
    const staged = statements.find((statement) => statement.Sid === 'IngestStagedUploads');
    expect(actions(staged)).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(actions(statements.find((statement) => statement.Sid === 'IngestStagedUploadsKey'))).toEqual([
      'kms:Decrypt',
    ]);
    expect(JSON.stringify(staged?.Resource)).toContain(`/${UPLOAD_STAGING_PREFIX}*`);
    // The storage path of STOW-RS: put/delete instance objects, put/update the index, never delete from it.
    const imagingTable = statements.filter((statement) =>
      JSON.stringify(statement.Resource).includes('ImagingTable'),
    );
    const readPutUpdate = [
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    expect([...new Set(imagingTable.flatMap(actions))].sort()).toEqual(readPutUpdate);
    const uploads = statements.filter((statement) =>
      JSON.stringify(statement.Resource).includes('UploadsTable'),
    );
    expect([...new Set(uploads.flatMap(actions))].sort()).toEqual(readPutUpdate);
    const deny = statements.find((statement) => statement.Sid === 'DenyAuditTampering');
    expect(deny?.Effect).toBe('Deny');
    for (const statement of statements) {
      for (const action of actions(statement))
        expect(action).not.toMatch(/\*|^s3:List|StartExecution|cognito/);
    }
  });
});
