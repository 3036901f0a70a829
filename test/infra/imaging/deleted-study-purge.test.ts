import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { PURGE_TASK_BINDINGS } from '#schemas/imaging/env';
import { propertyAt, resourcesOf, synthesizedApp } from '../app-fixture';

type Props = Record<string, unknown>;
const workflows = () => synthesizedApp().stacks.workflows;
const data = () => synthesizedApp().stacks.data;
const actions = (statement: Props) => ([statement.Action ?? []].flat() as string[]).sort();

/** The statements of the purge function's role. */
function purgeStatements(): Props[] {
  const stack = workflows();
  const role = stack.deletedStudyPurge.purge.role;
  const roleId = stack.resolve(stack.getLogicalId(role.node.defaultChild as never)) as string;
  return Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
    .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'));
}

describe('the scheduled purge of deleted studies', () => {
  beforeAll(() => synthesizedApp());

  it('runs hourly from an EventBridge schedule, one run at a time', () => {
    const stack = workflows();
    const functionId = stack.resolve(
      stack.getLogicalId(stack.deletedStudyPurge.purge.function.node.defaultChild as never),
    ) as string;
    const rules = Object.values(resourcesOf(stack, 'AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties?.Targets).includes(functionId),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    expect(stack.deletedStudyPurge.purge.function).toBeDefined();
    const fn = Object.values(resourcesOf(stack, 'AWS::Lambda::Function')).find((candidate) =>
      JSON.stringify(candidate.Properties?.Environment).includes('IMAGING_REPLICA_BUCKET_NAME'),
    );
    expect(fn?.Properties?.ReservedConcurrentExecutions).toBe(1);
  });

  it('deletes every object version in the imaging bucket and in its replica, whose version deletes S3 does not replicate', () => {
    const { config } = synthesizedApp();
    const replicaArn = `arn:aws:s3:::${replicaImagingBucketName(config)}`;
    const statements = purgeStatements();
    const purge = statements.find((statement) => statement.Sid === 'PurgeObjectVersions') as Props;
    expect(actions(purge)).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    const resources = JSON.stringify(workflows().resolve(purge.Resource));
    expect(resources).toContain(`${replicaArn}/*`);
    expect(resources).toContain('ImagingBucket');
    const list = statements.find((statement) => statement.Sid === 'ListObjectVersions') as Props;
    expect(actions(list)).toEqual(['s3:ListBucketVersions']);
    expect(JSON.stringify(workflows().resolve(list.Resource))).toContain(replicaArn);
    // Nothing else of S3: no reads of instances, no writes, no bucket configuration.
    const s3 = statements.flatMap(actions).filter((action) => action.startsWith('s3:'));
    expect([...new Set(s3)].sort()).toEqual([
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:ListBucketVersions',
    ]);
    const env = workflows().deletedStudyPurge.purge.environment;
    expect(env).toMatchObject({
      IMAGING_REPLICA_BUCKET_NAME: replicaImagingBucketName(config),
      IMAGING_REPLICA_REGION: config.replicaRegion,
    });
  });

  it('[PP-12] replicates delete markers to the replica region', () => {
    const bucket = Object.values(resourcesOf(data(), 'AWS::S3::Bucket')).find(
      (candidate) => candidate.Properties?.ReplicationConfiguration,
    );
    const rules = propertyAt<Props[]>(bucket, 'ReplicationConfiguration.Rules');
    expect(rules[0]).toMatchObject({ DeleteMarkerReplication: { Status: 'Enabled' } });
  });

  it('may delete index items but never put or update one, and appends to the audit trail', () => {
    expect(PURGE_TASK_BINDINGS).toEqual([
      'imaging-index:delete',
      'imaging-store:purge',
      'audit-table:append',
    ]);
    const dynamo = purgeStatements()
      .filter(
        (statement) =>
          statement.Effect === 'Allow' && JSON.stringify(statement.Resource).includes('ImagingTable'),
      )
      .flatMap(actions);
    expect(dynamo).not.toContain('dynamodb:PutItem');
    expect(dynamo).not.toContain('dynamodb:UpdateItem');
    expect(dynamo).toEqual(expect.arrayContaining(['dynamodb:BatchWriteItem', 'dynamodb:Query']));
  });

  it('routes make deletions restorable for the configured retention (30 days by default)', () => {
    const { config, stacks } = synthesizedApp();
    expect(config.deletedStudyRetentionDays).toBe(30);
    const env = stacks.api.routeApi.functions.deleteStudy?.environment ?? {};
    expect(env.DELETED_STUDY_RETENTION_DAYS).toBe('30');
  });
});
