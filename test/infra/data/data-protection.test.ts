import { Match } from 'aws-cdk-lib/assertions';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { accountsTable, auditTable, imagingTable, tableDefinitions } from '#infra/data/table-definitions';
import { isUsRegion } from '#infra/shared/region-guard';
import { allStacks, propertyAt, resourcesOf, synthesizedApp, templateOf } from '../app-fixture';

type Props = Record<string, unknown>;
type Statement = {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const data = () => synthesizedApp().stacks.data;
const replica = () => synthesizedApp().stacks.replica;
const audit = () => synthesizedApp().stacks.audit;

describe('data protection', () => {
  beforeAll(() => synthesizedApp());

  it("[PP-12] a deleted study's objects stay recoverable for 30 days in both regions, then expire", () => {
    const { config } = synthesizedApp();
    const imaging = Object.values(resourcesOf(data(), 'AWS::S3::Bucket')).find(
      (bucket) => bucket.Properties?.ReplicationConfiguration,
    );
    const replicaBucket = Object.values(resourcesOf(replica(), 'AWS::S3::Bucket')).find(
      (bucket) => bucket.Properties?.BucketName === replicaImagingBucketName(config),
    );
    for (const bucket of [imaging, replicaBucket]) {
      expect(propertyAt<Props>(bucket, 'VersioningConfiguration')).toEqual({ Status: 'Enabled' });
      expect(propertyAt<Props[]>(bucket, 'LifecycleConfiguration.Rules')).toEqual(
        expect.arrayContaining([
          {
            Id: 'ExpireDeletedInstances',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          },
          { Id: 'RemoveExpiredDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
        ]),
      );
    }
  });

  it('[PP-10] every bucket in every stack denies non-TLS requests and TLS below 1.2', () => {
    let buckets = 0;
    for (const stack of allStacks()) {
      const policies = Object.values(resourcesOf(stack, 'AWS::S3::BucketPolicy'));
      for (const logicalId of Object.keys(resourcesOf(stack, 'AWS::S3::Bucket'))) {
        buckets += 1;
        const policy = policies.find(
          (candidate) => JSON.stringify(candidate.Properties?.Bucket) === JSON.stringify({ Ref: logicalId }),
        );
        const statements = (
          (policy?.Properties?.PolicyDocument as { Statement?: Statement[] })?.Statement ?? []
        ).filter((statement) => statement.Effect === 'Deny' && statement.Action === 's3:*');
        expect({ logicalId, statements }).toEqual({
          logicalId,
          statements: expect.arrayContaining([
            expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            expect.objectContaining({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        });
      }
    }
    expect(buckets).toBeGreaterThanOrEqual(6);
  });

  it('[PP-13] PHI buckets are SSE-KMS with a bucket key, versioned and fully private', () => {
    for (const stack of [data(), replica()]) {
      templateOf(stack).hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              Match.objectLike({
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
              }),
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
        }),
      });
    }
  });

  it('[PP-11] every stack is pinned to a US region', () => {
    for (const stack of allStacks())
      expect({ stack: stack.stackName, us: isUsRegion(stack.region) }).toEqual({
        stack: stack.stackName,
        us: true,
      });
  });

  it('[PP-12] the imaging bucket replicates to the replica-region bucket under the replica key', () => {
    const { config } = synthesizedApp();
    expect(replica().region).toBe(config.replicaRegion);
    expect(replica().region).not.toBe(data().region);
    const replicaBucketName = replicaImagingBucketName(config);

    const imaging = Object.values(resourcesOf(data(), 'AWS::S3::Bucket')).find(
      (bucket) => bucket.Properties?.ReplicationConfiguration,
    );
    const rules = propertyAt<Props[]>(imaging, 'ReplicationConfiguration.Rules');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      Status: 'Enabled',
      DeleteMarkerReplication: { Status: 'Enabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: `arn:aws:s3:::${replicaBucketName}`,
        EncryptionConfiguration: {
          ReplicaKmsKeyID: {
            'Fn::GetStackOutput': expect.objectContaining({ Region: config.replicaRegion }),
          },
        },
      },
    });
    templateOf(replica()).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: replicaBucketName,
      VersioningConfiguration: { Status: 'Enabled' },
    });
    templateOf(replica()).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('[PP-13] tables are on customer-managed KMS keys with PITR and deletion protection (cdk-nag has no such rule)', () => {
    const tables = Object.entries(resourcesOf(data(), 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(tableDefinitions.length);
    expect(tables.map(([logicalId]) => logicalId)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('AccountsTable'),
        expect.stringContaining('AuditTable'),
        expect.stringContaining('ImagingTable'),
      ]),
    );
    const keys = resourcesOf(data(), 'AWS::KMS::Key');
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      const [keyId] = propertyAt<[string]>(table, 'SSESpecification.KMSMasterKeyId.Fn::GetAtt');
      expect(keys[keyId ?? '']?.Properties).toMatchObject({ EnableKeyRotation: true });
    }
  });

  it('tables are built from the shared definitions (keys, GSIs, TTL, stream)', () => {
    templateOf(data()).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: accountsTable.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: accountsTable.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: accountsTable.globalIndexes.map((index) =>
        Match.objectLike({ IndexName: index.indexName }),
      ),
      TimeToLiveSpecification: { AttributeName: accountsTable.timeToLiveAttribute, Enabled: true },
    });
    templateOf(data()).hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: auditTable.stream },
    });
  });

  it('the imaging index is built from its definition: gsi1, gsi2 and the name index gsi3, no TTL, no stream', () => {
    const [imaging, ...others] = Object.entries(resourcesOf(data(), 'AWS::DynamoDB::Table')).filter(
      ([logicalId]) => logicalId.includes('ImagingTable'),
    );
    expect(others).toEqual([]);
    expect(imaging?.[1].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: imagingTable.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: imagingTable.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: imagingTable.globalIndexes.map((index) =>
        expect.objectContaining({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
        }),
      ),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(imagingTable.globalIndexes.map((index) => index.indexName)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    expect(imaging?.[1].Properties).not.toHaveProperty('TimeToLiveSpecification');
    expect(imaging?.[1].Properties).not.toHaveProperty('StreamSpecification');
    expect(imaging?.[1].DeletionPolicy).toBe('Retain');
  });

  it('[PP-13] backups go to a KMS-encrypted vault and are copied to a vault in the replica region', () => {
    const { config } = synthesizedApp();
    templateOf(data()).hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      LockConfiguration: Match.objectLike({ MinRetentionDays: Match.anyValue() }),
    });
    templateOf(data()).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            CopyActions: [
              Match.objectLike({
                DestinationBackupVaultArn: {
                  'Fn::GetStackOutput': Match.objectLike({ Region: config.replicaRegion }),
                },
              }),
            ],
          }),
        ],
      },
    });
    templateOf(replica()).hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    const selection = Object.values(resourcesOf(data(), 'AWS::Backup::BackupSelection'))[0];
    const tableIds = Object.keys(resourcesOf(data(), 'AWS::DynamoDB::Table'));
    expect(tableIds).toHaveLength(tableDefinitions.length);
    expect(propertyAt<unknown[]>(selection, 'BackupSelection.Resources')).toEqual(
      expect.arrayContaining(tableIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
    expect(propertyAt<unknown[]>(selection, 'BackupSelection.Resources')).toHaveLength(tableIds.length);
    expect(tableIds.some((id) => id.includes('ImagingTable'))).toBe(true);
  });

  it('stateful resources are retained when their stack is deleted', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::S3::Bucket',
      'AWS::Backup::BackupVault',
    ]) {
      for (const stack of [data(), replica(), audit()]) {
        for (const resource of Object.values(templateOf(stack).findResources(type))) {
          expect({ type, policy: resource.DeletionPolicy }).toEqual({ type, policy: 'Retain' });
        }
      }
    }
  });
});
