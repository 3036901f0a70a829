import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '#infra/shared/app-config';
import { BackupCopyVault } from './backup-copy-vault';
import { ImagingReplica } from './imaging-replica';

/** Globally unique and stable: the primary region's replication rule and CloudTrail name it. */
export const replicaImagingBucketName = (config: AppConfig): string =>
  `pacscribe-${config.stage}-${config.account}-imaging-${config.replicaRegion}`;

/** Stateful, replica region: where imaging objects and backup copies land for disaster recovery [PP-12]. */
export class ReplicaStack extends Stack {
  readonly imaging: ImagingReplica;
  readonly backupCopies: BackupCopyVault;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    this.imaging = new ImagingReplica(this, 'ImagingReplica', {
      bucketName: replicaImagingBucketName(props.config),
    });
    this.backupCopies = new BackupCopyVault(this, 'BackupCopies', { minRetention: Duration.days(7) });
  }
}
