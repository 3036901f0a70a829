import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DataStack } from '#infra/data/data-stack';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import type { AppConfig } from '#infra/shared/app-config';
import { AuditTrail } from './audit-trail';

/** Stateful: the account's CloudTrail and its write-once log bucket. */
export class AuditStack extends Stack {
  readonly trail: AuditTrail;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig; data: DataStack }) {
    super(scope, id, props);
    const { config, data } = props;
    // The replica bucket by its fixed name: no dependency on the replica region's stack.
    const replicaBucketArn = this.formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: replicaImagingBucketName(config),
    });
    this.trail = new AuditTrail(this, 'Trail', {
      trailName: `pacscribe-${config.stage}`,
      dataBucketArns: [data.imaging.bucket.bucketArn, replicaBucketArn],
      dataTables: [data.tables.accounts.table, data.tables.audit.table],
      retention: Duration.days(config.auditRetentionDays),
      objectLockMode: config.stage === 'prod' ? 'COMPLIANCE' : 'GOVERNANCE',
    });
  }
}
