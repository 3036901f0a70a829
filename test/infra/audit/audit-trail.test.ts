import { Match } from 'aws-cdk-lib/assertions';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { resourcesOf, synthesizedApp, templateOf } from '../app-fixture';

type Selector = {
  Name: string;
  FieldSelectors: { Field: string; Equals?: unknown[]; StartsWith?: unknown[] }[];
};
const audit = () => synthesizedApp().stacks.audit;

describe('audit trail', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-09] CloudTrail is multi-region, digest-validated, KMS-encrypted and mirrored to CloudWatch Logs', () => {
    templateOf(audit()).hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      CloudWatchLogsLogGroupArn: Match.anyValue(),
    });
  });

  it('[PP-09] records S3 data events for the imaging buckets and DynamoDB data events for the tables', () => {
    const [trail] = Object.values(resourcesOf(audit(), 'AWS::CloudTrail::Trail'));
    expect(trail?.Properties?.EventSelectors).toBeUndefined();
    const selectors = trail?.Properties?.AdvancedEventSelectors as Selector[];
    const field = (selector: Selector | undefined, name: string) =>
      selector?.FieldSelectors.find((f) => f.Field === name);
    const byType = (type: string) =>
      selectors.find(
        (selector) => JSON.stringify(field(selector, 'resources.type')?.Equals) === JSON.stringify([type]),
      );

    expect(
      selectors.some(
        (selector) => JSON.stringify(field(selector, 'eventCategory')?.Equals) === '["Management"]',
      ),
    ).toBe(true);
    const s3Arns = JSON.stringify(field(byType('AWS::S3::Object'), 'resources.ARN')?.StartsWith);
    expect(s3Arns).toContain('ImagingBucket');
    expect(s3Arns).toContain(replicaImagingBucketName(synthesizedApp().config));
    const tableArns = JSON.stringify(field(byType('AWS::DynamoDB::Table'), 'resources.ARN')?.Equals);
    expect(tableArns).toContain('AccountsTable');
    expect(tableArns).toContain('AuditTable');
  });

  it('[PP-09] trail files land in a write-once (Object Lock) bucket kept for the audit retention period', () => {
    const { config } = synthesizedApp();
    templateOf(audit()).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Days: config.auditRetentionDays, Mode: Match.anyValue() } },
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
    });
  });
});
