import type { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { propertyAt, type Resource, resourcesOf, synthesizedApp, templateOf } from '../app-fixture';

type Selector = {
  Name: string;
  FieldSelectors: { Field: string; Equals?: unknown[]; StartsWith?: unknown[] }[];
};
const audit = () => synthesizedApp().stacks.audit;
const data = () => synthesizedApp().stacks.data;
const logicalId = (construct: { node: { defaultChild?: unknown } }, stack: Stack = audit()) =>
  stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;

function trail(): Resource {
  const trails = Object.values(resourcesOf(audit(), 'AWS::CloudTrail::Trail'));
  expect(trails).toHaveLength(1);
  return trails[0] as Resource;
}
const selectors = () => propertyAt<Selector[]>(trail(), 'AdvancedEventSelectors');
const field = (selector: Selector | undefined, name: string) =>
  selector?.FieldSelectors.find((candidate) => candidate.Field === name);
const selectorFor = (type: string) =>
  selectors().find(
    (selector) => JSON.stringify(field(selector, 'resources.type')?.Equals) === JSON.stringify([type]),
  );

describe('audit trail (CloudTrail)', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-18] the trail is multi-region and includes global service events', () => {
    expect(trail().Properties).toMatchObject({
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      IsLogging: true,
    });
  });

  it('[PP-18] log-file integrity validation (signed digest files) is on', () => {
    expect(trail().Properties).toMatchObject({ EnableLogFileValidation: true });
  });

  it('[PP-18] log files are encrypted with the trail key, a rotating customer-managed KMS key', () => {
    const keyId = logicalId(audit().trail.key);
    expect(trail().Properties?.KMSKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(resourcesOf(audit(), 'AWS::KMS::Key')[keyId]?.Properties).toMatchObject({
      EnableKeyRotation: true,
    });
    expect(trail().Properties?.CloudWatchLogsLogGroupArn).toBeDefined();
  });

  it('[PP-18] records management events (trail changes such as StopLogging included)', () => {
    expect(
      selectors().some(
        (selector) => JSON.stringify(field(selector, 'eventCategory')?.Equals) === '["Management"]',
      ),
    ).toBe(true);
    // Advanced selectors replace basic ones; a leftover EventSelectors would make CloudFormation reject the trail.
    expect(trail().Properties?.EventSelectors).toBeUndefined();
  });

  it('[PP-18] records S3 data events for the imaging buckets (both regions) and the audit archive', () => {
    const s3Arns = JSON.stringify(field(selectorFor('AWS::S3::Object'), 'resources.ARN')?.StartsWith);
    expect(s3Arns).toContain(logicalId(data().imaging.bucket, data()));
    expect(s3Arns).toContain(replicaImagingBucketName(synthesizedApp().config));
    expect(s3Arns).toContain(logicalId(audit().archive.bucket));
    expect(JSON.stringify(field(selectorFor('AWS::S3::Object'), 'eventCategory')?.Equals)).toBe('["Data"]');
  });

  it('[PP-18] records DynamoDB data events for every table (accounts, audit, imaging index, upload sessions, support, billing, sharing, mail, exports)', () => {
    const tableArns = JSON.stringify(field(selectorFor('AWS::DynamoDB::Table'), 'resources.ARN')?.Equals);
    expect(tableArns).toContain(logicalId(data().tables.accounts.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.audit.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.imaging.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.uploads.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.support.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.billing.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.sharing.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.mail.table, data()));
    expect(tableArns).toContain(logicalId(data().tables.exports.table, data()));
    expect(data().tables.recordedInTrail).toHaveLength(9);
    // The request counters hold counts per organization and minute, nothing personal, and change every second.
    expect(tableArns).not.toContain(logicalId(data().tables.requestCounters.table, data()));
    expect(data().tables.all).toHaveLength(10);
  });

  it('[PP-18] trail files land in a write-once (Object Lock) bucket kept for the audit retention period', () => {
    const { config } = synthesizedApp();
    const bucketId = logicalId(audit().trail.bucket);
    expect(trail().Properties?.S3BucketName).toEqual({ Ref: bucketId });
    templateOf(audit()).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Days: config.auditRetentionDays, Mode: Match.anyValue() } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
        },
      }),
    });
    expect(config.auditRetentionDays).toBeGreaterThanOrEqual(2192);
  });
});
