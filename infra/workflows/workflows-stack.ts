import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { InvoiceLister } from '#infra/billing/invoice-lister';
import type { DataStack } from '#infra/data/data-stack';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import { ExportArchiveWorkflow } from '#infra/exports/export-archive-workflow';
import { DeletedStudyPurge } from '#infra/imaging/deleted-study-purge';
import { UploadIngestWorkflow } from '#infra/imaging/upload-ingest-workflow';
import { DeliveryEventsIntake } from '#infra/mail/delivery-events-intake';
import type { MailStack } from '#infra/mail/mail-stack';
import { OverdueOptOutAlarm } from '#infra/mail/overdue-opt-out-alarm';
import { PreferencePropagationWorkflow } from '#infra/mail/preference-propagation-workflow';
import { WelcomeMailWorkflow } from '#infra/mail/welcome-mail-workflow';
import type { AppConfig } from '#infra/shared/app-config';
import { LogEncryption } from '#infra/shared/log-encryption';
import { SupportMailIntake } from '#infra/support/support-mail-intake';

/**
 * Stateless: Step Functions workflows (welcome mail, upload ingest, preference propagation) with their task functions, the
 * event-driven support mail intake (SES receiving) and the scheduled purge of deleted studies.
 */
export class WorkflowsStack extends Stack {
  readonly logEncryption: LogEncryption;
  readonly welcomeMail: WelcomeMailWorkflow;
  readonly uploadIngest: UploadIngestWorkflow;
  readonly supportMailIntake: SupportMailIntake;
  readonly deletedStudyPurge: DeletedStudyPurge;
  readonly preferencePropagation: PreferencePropagationWorkflow;
  readonly overdueOptOuts: OverdueOptOutAlarm;
  readonly deliveryEvents: DeliveryEventsIntake;
  readonly exportArchive: ExportArchiveWorkflow;
  /** Stripe invoices for the export task in the VPC; absent when vpcIsolation is off. */
  readonly invoiceLister: InvoiceLister | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { config: AppConfig; data: DataStack; mail: MailStack },
  ) {
    super(scope, id, props);
    const { config, data, mail } = props;
    this.logEncryption = new LogEncryption(this, 'LogEncryption', {
      description: 'PACScribe workflows: state machine data and logs',
    });
    this.welcomeMail = new WelcomeMailWorkflow(this, 'WelcomeMail', {
      accountsTable: data.tables.accounts,
      mail: mail.sending,
      appBaseUrl: config.appBaseUrl,
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
      stage: config.stage,
    });
    this.uploadIngest = new UploadIngestWorkflow(this, 'UploadIngest', {
      resources: {
        uploadsTable: data.tables.uploads,
        imagingTable: data.tables.imaging,
        imagingStore: { bucket: data.imaging.bucket, encryptionKey: data.imaging.key },
        auditTable: data.tables.audit,
      },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
      stage: config.stage,
    });
    this.supportMailIntake = new SupportMailIntake(this, 'SupportMailIntake', {
      supportAddress: config.supportAddress,
      inboundMail: data.support.inboundMail,
      resources: {
        accountsTable: data.tables.accounts,
        supportTable: data.tables.support,
        supportMessageKey: data.support.messageKey,
        supportRetentionDays: config.supportRetentionDays,
        supportInboundMail: data.support.inboundMail,
        mail: mail.sending,
        appBaseUrl: config.appBaseUrl,
      },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
    });
    this.preferencePropagation = new PreferencePropagationWorkflow(this, 'PreferencePropagation', {
      resources: {
        accountsTable: data.tables.accounts,
        mailTable: data.tables.mail,
        mailContactList: mail.marketing,
        marketingAudience: data.mail.audience,
      },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
      stage: config.stage,
    });
    this.overdueOptOuts = new OverdueOptOutAlarm(this, 'OverdueOptOuts', {
      resources: { mailTable: data.tables.mail },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
    });
    this.deliveryEvents = new DeliveryEventsIntake(this, 'DeliveryEvents', {
      topic: mail.marketing.deliveryEvents,
      resources: { accountsTable: data.tables.accounts, mailTable: data.tables.mail },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
    });
    const stripeSecret = { secret: data.billing.stripeSecret, encryptionKey: data.billing.stripeSecretKey };
    this.invoiceLister = data.network
      ? new InvoiceLister(this, 'InvoiceLister', {
          resources: { stripeSecret, appBaseUrl: config.appBaseUrl },
          logEncryption: this.logEncryption,
          reservedConcurrency: config.lambdaReservedConcurrency,
        })
      : undefined;
    this.exportArchive = new ExportArchiveWorkflow(this, 'ExportArchive', {
      resources: {
        exportsTable: data.tables.exports,
        exportsStore: data.exports.store,
        imagingTable: data.tables.imaging,
        imagingStore: { bucket: data.imaging.bucket, encryptionKey: data.imaging.key },
        accountsTable: data.tables.accounts,
        auditTable: data.tables.audit,
        sharingTable: data.tables.sharing,
        supportTable: data.tables.support,
        supportMessageKey: data.support.messageKey,
        billingTable: data.tables.billing,
        stripeSecret,
        ...(this.invoiceLister ? { billingInvoices: this.invoiceLister.lister.function } : {}),
        mailTable: data.tables.mail,
        mail: mail.sending,
        appBaseUrl: config.appBaseUrl,
      },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
      stage: config.stage,
    });
    this.deletedStudyPurge = new DeletedStudyPurge(this, 'DeletedStudyPurge', {
      resources: {
        imagingTable: data.tables.imaging,
        imagingStore: { bucket: data.imaging.bucket, encryptionKey: data.imaging.key },
        imagingReplica: {
          bucketName: replicaImagingBucketName(config),
          region: config.replicaRegion,
        },
        auditTable: data.tables.audit,
      },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
    });
  }
}
