import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Receives the cross-region copies of every table backup [PP-12, PP-13]; lives in the replica region. */
export class BackupCopyVault extends Construct {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { minRetention: Duration }) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'PACScribe backup copies (replica region)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      // Governance-mode vault lock: recovery points cannot be deleted early, even by an admin mistake.
      lockConfiguration: { minRetention: props.minRetention },
    });
  }
}
