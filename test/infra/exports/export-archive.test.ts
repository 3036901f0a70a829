import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { exportsRoutes } from '#functions/exports/routes';
import { EXPORT_ARCHIVE_ASL_PATH } from '#infra/exports/export-archive-workflow';
import {
  allowedStatementsOf,
  logicalIdOf,
  type PolicyStatement,
  propertyAt,
  resourcesOf,
  synthesizedApp,
  templateOf,
} from '../app-fixture';

const stacks = () => synthesizedApp().stacks;
const exportsBucket = () => stacks().data.exports.store.bucket;
const actionsOf = (statements: PolicyStatement[]) =>
  statements.flatMap((statement) => [statement.Action].flat());

describe('organization exports in AWS', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-18] the exports bucket is KMS-encrypted on its own key, TLS-only, private, and deletes everything after 7 days', () => {
    const data = templateOf(stacks().data);
    const bucketId = logicalIdOf(exportsBucket());
    const bucket = data.toJSON().Resources[bucketId];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: { 'Fn::GetAtt': [logicalIdOf(stacks().data.exports.store.encryptionKey), 'Arn'] },
      },
      BucketKeyEnabled: true,
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ExpirationInDays: 7,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          Status: 'Enabled',
        }),
      ]),
    );
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('[PP-18] every read of an export part is a CloudTrail data event', () => {
    const trail = Object.values(resourcesOf(stacks().audit, 'AWS::CloudTrail::Trail'))[0];
    expect(JSON.stringify(propertyAt(trail, 'AdvancedEventSelectors'))).toContain(
      logicalIdOf(exportsBucket()),
    );
  });

  it('[PP-18] the workflow keeps execution data out of its logs and runs the shared ASL', () => {
    const machines = resourcesOf(stacks().workflows, 'AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines).filter((candidate) =>
      JSON.stringify(candidate.Properties?.StateMachineName).includes('export-archive'),
    );
    expect(machine?.Properties?.DefinitionString).toBe(readFileSync(EXPORT_ARCHIVE_ASL_PATH, 'utf8'));
    expect(machine?.Properties?.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: false,
    });
    expect(machine?.Properties?.EncryptionConfiguration).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY' });
    // Task timeouts sit above Lambda's 15 minutes, and above the step's own budget.
    const asl = JSON.parse(readFileSync(EXPORT_ARCHIVE_ASL_PATH, 'utf8')) as {
      States: Record<string, { Type: string; TimeoutSeconds?: number; Parameters?: Record<string, string> }>;
    };
    for (const state of Object.values(asl.States).filter((candidate) => candidate.Type === 'Task')) {
      // State carries ids only: every parameter is the step's name or an id.
      expect(Object.keys(state.Parameters ?? {}).sort()).toEqual(['exportId.$', 'orgId.$', 'step']);
    }
    expect(asl.States.WritePart?.TimeoutSeconds).toBeGreaterThan(900);
  });

  it('[PP-18] the export task reads what it exports and writes only the exports bucket and table', () => {
    const workflows = stacks().workflows;
    const statements = allowedStatementsOf(workflows, workflows.exportArchive.step.role);
    const actions = actionsOf(statements);
    const writes = statements.filter((statement) =>
      [statement.Action]
        .flat()
        .some((action) => /^(s3:(Put|Delete)|dynamodb:(Put|Update|Delete|BatchWrite))/.test(action)),
    );
    const written = JSON.stringify(writes.map((statement) => statement.Resource));
    expect(written).toContain(logicalIdOf(exportsBucket()));
    expect(written).not.toContain(logicalIdOf(stacks().data.imaging.bucket));
    // DynamoDB writes: the exports table, and the audit trail's append (conditional PutItem only).
    const tables = writes
      .filter((statement) => JSON.stringify(statement.Action).includes('dynamodb'))
      .flatMap((statement) =>
        [...JSON.stringify(statement.Resource).matchAll(/Tables(\w+?)Table/g)].map((match) => match[1]),
      );
    expect(tables.sort()).toEqual(['Audit', 'Exports']);
    expect(actions).not.toContain('s3:ListBucket');
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'ses:SendEmail', 'dynamodb:Query']));
  });

  it('[PP-18] the download route may only read parts, the cancel route only delete them', () => {
    const api = stacks().api;
    const functions = api.routeApi.functions;
    const download = functions[exportsRoutes.downloadExportPart.id];
    const cancel = functions[exportsRoutes.cancelExport.id];
    if (!download || !cancel) throw new Error('export routes not synthesized');
    const downloadS3 = allowedStatementsOf(api, download.role).filter((statement) =>
      JSON.stringify(statement.Action).includes('s3:'),
    );
    expect(actionsOf(downloadS3)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(downloadS3[0]?.Resource)).toContain('/exports/*');
    const cancelS3 = allowedStatementsOf(api, cancel.role).filter((statement) =>
      JSON.stringify(statement.Action).includes('s3:'),
    );
    expect(actionsOf(cancelS3)).toEqual(['s3:DeleteObject']);
    expect(actionsOf(allowedStatementsOf(api, cancel.role))).toContain('states:StopExecution');
  });
});
