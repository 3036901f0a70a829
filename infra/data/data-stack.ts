import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BillingData } from '#infra/billing/billing-data';
import { ExportsData } from '#infra/exports/exports-data';
import { MailData } from '#infra/mail/mail-data';
import type { AppConfig } from '#infra/shared/app-config';
import { SupportData } from '#infra/support/support-data';
import { DataTables } from './data-tables';
import { ImagingStore } from './imaging-store';
import { type ReplicaStack, replicaImagingBucketName } from './replica-stack';
import { TableBackups } from './table-backups';

/** Stateful, primary region: tables, imaging bucket, their keys and backups. */
export class DataStack extends Stack {
  readonly tables: DataTables;
  readonly imaging: ImagingStore;
  readonly backups: TableBackups;
  readonly support: SupportData;
  readonly billing: BillingData;
  readonly mail: MailData;
  readonly exports: ExportsData;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { config: AppConfig; replica: ReplicaStack },
  ) {
    super(scope, id, props);
    const { config, replica } = props;
    this.tables = new DataTables(this, 'Tables');
    this.imaging = new ImagingStore(this, 'Imaging', {
      replica: {
        bucketName: replicaImagingBucketName(config),
        keyArn: replica.imaging.key.keyArn,
        region: replica.region,
        account: replica.account,
      },
      uploadCorsOrigins: config.dicomwebCorsOrigins,
    });
    this.support = new SupportData(this, 'Support', { accessLogsBucket: this.imaging.accessLogsBucket });
    this.billing = new BillingData(this, 'Billing');
    this.mail = new MailData(this, 'Mail', { accessLogsBucket: this.imaging.accessLogsBucket });
    this.exports = new ExportsData(this, 'Exports', { accessLogsBucket: this.imaging.accessLogsBucket });
    this.backups = new TableBackups(this, 'Backups', {
      tables: this.tables.all.map((defined) => defined.table),
      appendOnlyTables: [this.tables.audit.table],
      copyVaultArn: replica.backupCopies.vault.backupVaultArn,
      retention: Duration.days(config.backupRetentionDays),
    });
    // For `npm run audit -- … --table` (docs/audit-queries.md).
    new CfnOutput(this, 'AuditTableName', {
      description: 'Audit hash chains (16 per organization, one partition each)',
      value: this.tables.audit.table.tableName,
    });
  }
}
