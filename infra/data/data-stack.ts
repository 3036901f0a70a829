import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BillingData } from '#infra/billing/billing-data';
import { ExportsData } from '#infra/exports/exports-data';
import { MailData } from '#infra/mail/mail-data';
import type { AppConfig } from '#infra/shared/app-config';
import { LogEncryption } from '#infra/shared/log-encryption';
import { type FunctionNetwork, ISOLATION_OFF, PrivateNetwork } from '#infra/shared/private-network';
import { SupportData } from '#infra/support/support-data';
import { DataTables } from './data-tables';
import { ImagingStore } from './imaging-store';
import { type ReplicaStack, replicaImagingBucketName } from './replica-stack';
import { TableBackups } from './table-backups';

/**
 * Stateful, primary region: tables, imaging bucket, their keys and backups, and the private network the
 * PHI functions of every other stack run in (they all depend on this stack already).
 */
export class DataStack extends Stack {
  readonly tables: DataTables;
  readonly imaging: ImagingStore;
  readonly backups: TableBackups;
  readonly support: SupportData;
  readonly billing: BillingData;
  readonly mail: MailData;
  readonly exports: ExportsData;
  /** Undefined when vpcIsolation is off. */
  readonly network: PrivateNetwork | undefined;
  /** What a PHI function's `network` prop gets: the private network, or ISOLATION_OFF. */
  readonly functionNetwork: Exclude<FunctionNetwork, { outsideVpc: string }>;
  /** How many zones the VPC spans (see availabilityZones). */
  private readonly zoneCount: number | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { config: AppConfig; replica: ReplicaStack },
  ) {
    super(scope, id, props);
    const { config, replica } = props;
    if (config.vpcIsolation) {
      this.zoneCount = config.vpcZoneCount;
      this.network = new PrivateNetwork(this, 'Network', {
        zoneCount: config.vpcZoneCount,
        replicaRegion: config.replicaRegion,
        logEncryption: new LogEncryption(this, 'NetworkLogEncryption', {
          description: 'PACScribe VPC flow logs',
        }),
      });
    }
    this.functionNetwork = this.network ?? ISOLATION_OFF;
    this.tables = new DataTables(this, 'Tables');
    this.imaging = new ImagingStore(this, 'Imaging', {
      replica: {
        bucketName: replicaImagingBucketName(config),
        keyArn: replica.imaging.key.keyArn,
        region: replica.region,
        account: replica.account,
      },
      // Viewers and the web console upload large files straight to the bucket.
      uploadCorsOrigins: [...new Set([...config.dicomwebCorsOrigins, new URL(config.appBaseUrl).origin])],
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

  /**
   * CDK looks the zones of a stack with an account up at synth (credentials needed) and a VPC takes its
   * subnets' zones from here. The region's first zones, resolved by CloudFormation (Fn::GetAZs), answer
   * instead: synth stays offline and no zone letter is assumed (they differ per account in us-west-1).
   */
  override get availabilityZones(): string[] {
    if (this.zoneCount === undefined) return super.availabilityZones;
    return Array.from({ length: this.zoneCount }, (_, index) => Fn.select(index, Fn.getAzs()));
  }
}
