import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { auditTamperingDenial } from '#infra/audit/audit-tampering';

export interface TableBackupsProps {
  tables: readonly dynamodb.ITable[];
  /**
   * Tables whose items no backup or restore may change (the audit log). Restores always create a new
   * table, so denying item writes on the source costs nothing.
   */
  appendOnlyTables: readonly dynamodb.ITable[];
  /** ARN of the vault in the replica region that receives a copy of every recovery point. */
  copyVaultArn: string;
  retention: Duration;
}

/**
 * Daily AWS Backup of the tables into a KMS-encrypted vault (AES-256 under a customer-managed key)
 * [PP-13], each recovery point copied to the replica region [PP-12]. PITR covers the last 35 days
 * at second granularity; these backups are the independent, locked copies.
 */
export class TableBackups extends Construct {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: TableBackupsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'PACScribe backup vault',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      lockConfiguration: { minRetention: Duration.days(7) },
    });
    const copyVault = backup.BackupVault.fromBackupVaultArn(this, 'CopyVaultRef', props.copyVaultArn);

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${Stack.of(this).stackName}-tables`,
      backupVault: this.vault,
    });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'DailyWithCrossRegionCopy',
        scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        deleteAfter: props.retention,
        copyActions: [{ destinationBackupVault: copyVault, deleteAfter: props.retention }],
      }),
    );
    const selection = this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => backup.BackupResource.fromDynamoDbTable(table)),
      allowRestores: true,
    });
    // AWSBackupServiceRolePolicyForRestores allows Put/Update/Delete/BatchWriteItem on every table
    // (table/*), the audit table included; an explicit Deny keeps this role from ever altering it.
    if (props.appendOnlyTables.length > 0) {
      new iam.ManagedPolicy(this, 'DenyAuditTampering', {
        description: 'AWS Backup may back up and restore the audit table, never alter or delete its records',
        roles: [selection.grantPrincipal as iam.IRole],
        statements: [auditTamperingDenial(props.appendOnlyTables.map((table) => table.tableArn))],
      });
    }
    const awsManaged = (name: string) =>
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
    Validations.of(selection).acknowledge(
      {
        id: awsManaged('AWSBackupServiceRolePolicyForBackup'),
        reason:
          'The AWS-maintained policy AWS Backup documents for backing up DynamoDB; it tracks new service needs.',
      },
      {
        id: awsManaged('AWSBackupServiceRolePolicyForRestores'),
        reason: 'The AWS-maintained policy AWS Backup documents for restores; it tracks new service needs.',
      },
    );
  }
}
