import { BillingInvoicesEnvSchema } from '#schemas/billing/env';
import { accountsRepository } from '../accounts/deps';
import { DynamoAuditChainStore } from '../audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../audit/core/audit-trail';
import { auditQueryDeps } from '../audit/deps';
import { InvokedInvoiceList } from '../billing/adapters/invoked-invoice-list';
import { billingDeps, billingStore } from '../billing/deps';
import { renderFrame } from '../imaging/core/rendering/render';
import { imagingIndex, reportDeps, retrieveDeps, studyVersions } from '../imaging/deps';
import { renderDeps } from '../imaging/render-deps';
import { SesMailer } from '../mail/adapters/ses-mailer';
import { getCommunicationPreferences } from '../mail/core/preferences';
import { preferenceReadDeps } from '../mail/deps';
import { policyStore } from '../policy/deps';
import {
  dynamoDocumentClient,
  lambdaClient,
  s3Client,
  s3PresigningClient,
  sesClient,
  sfnClient,
} from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { zipStream } from '../shared/zip-stream';
import { sharingDeps } from '../sharing/deps';
import { supportDeps, supportStore } from '../support/deps';
import { AuditDatasetSource } from './adapters/audit-dataset-source';
import { BillingDatasetSource } from './adapters/billing-dataset-source';
import { ChainedExportAudit } from './adapters/chained-export-audit';
import { DynamoExportJobs } from './adapters/dynamo-export-jobs';
import { ImagingDatasetSource } from './adapters/imaging-dataset-source';
import { MailedExportNotices } from './adapters/mailed-export-notices';
import { S3ExportObjects } from './adapters/s3-export-objects';
import { SfnExportWorkflow } from './adapters/sfn-export-workflow';
import { SupportDatasetSource } from './adapters/support-dataset-source';
import type { DatasetSources } from './core/dataset-sources';
import { organizationDatasetsOver } from './core/datasets';
import type { ExportStepDeps } from './core/export-steps';
import type { ExportsDeps } from './core/exports';
import type { ExportDataset } from './core/ports';
import { csvStream, xlsxStream } from './core/spreadsheets';

/** Composition roots of the exports context: env parsed once, adapters built on first use. */
const exportJobs = /* @__PURE__ */ once(
  () => new DynamoExportJobs(dynamoDocumentClient(), bindingEnv('exports-table:read').EXPORTS_TABLE_NAME),
);

export const exportsDeps = /* @__PURE__ */ once(
  (): ExportsDeps => ({ jobs: exportJobs(), clock: systemClock, ids: uuidIds }),
);

export const exportWorkflow = /* @__PURE__ */ once(
  () => new SfnExportWorkflow(sfnClient(), bindingEnv('export-workflow:start').EXPORT_WORKFLOW_ARN),
);

const exportObjects = (bucketName: string) =>
  new S3ExportObjects(s3Client(), s3PresigningClient(), bucketName);

/** The download route presigns parts; the cancel route deletes them. */
export const exportPartReader = /* @__PURE__ */ once(() =>
  exportObjects(bindingEnv('exports-store:read').EXPORTS_BUCKET_NAME),
);
export const exportPartDiscarder = /* @__PURE__ */ once(() =>
  exportObjects(bindingEnv('exports-store:discard').EXPORTS_BUCKET_NAME),
);

/** What the workflow's task needs: everything it reads, the bucket it writes, the trail and the mail. */
export const exportStepDeps = /* @__PURE__ */ once((): ExportStepDeps => {
  const writer = bindingEnv('exports-store:write');
  const mail = bindingEnv('mail:send');
  const accounts = accountsRepository();
  const files = retrieveDeps();
  const rendering = renderDeps();
  return {
    ...exportsDeps(),
    objects: exportObjects(writer.EXPORTS_BUCKET_NAME),
    zip: zipStream,
    index: files.index,
    edits: files.edits,
    files,
    renderPng: (target) =>
      renderFrame(rendering, target, { mediaType: 'image/png', quality: 100, viewport: null, window: null }),
    datasets: organizationDatasets(),
    spreadsheets: { xlsx: xlsxStream, csv: csvStream },
    limits: {
      partMaxBytes: writer.EXPORT_PART_MAX_BYTES,
      budgetMs: writer.EXPORT_TASK_BUDGET_SECONDS * 1000,
      maxRenderedFrames: writer.EXPORT_MAX_RENDERED_FRAMES,
      cancelCheckMs: 5_000,
    },
    notices: new MailedExportNotices(
      new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
    ),
    directory: {
      requester: async (orgId, userId) => {
        const member = await accounts.getMember(userId);
        return member && member.orgId === orgId && member.status === 'active'
          ? { email: member.email, name: member.name }
          : null;
      },
      organizationName: async (orgId) => (await accounts.getOrganization(orgId))?.name ?? null,
    },
    audit: new ChainedExportAudit(
      new ChainedAuditLog(
        new DynamoAuditChainStore(dynamoDocumentClient(), bindingEnv('audit-table:append').AUDIT_TABLE_NAME),
      ),
      systemClock,
      uuidIds,
    ),
    consoleBase: mail.APP_BASE_URL,
  };
});

/**
 * Invoices for the billing dataset: in the VPC (the invoice lister's binding set) through the function
 * outside it, since api.stripe.com has no route from the VPC; otherwise from the payment provider
 * directly, as the billing routes read them (locally: the Stripe fake).
 */
const billingDatasetDeps = () => {
  const lister = BillingInvoicesEnvSchema.partial().parse(process.env).BILLING_INVOICES_FUNCTION_NAME;
  if (!lister) return billingDeps();
  return Promise.resolve({ store: billingStore(), payments: new InvokedInvoiceList(lambdaClient(), lister) });
};

/**
 * Composition root of the exports context's datasets: each context's records through that context's own
 * composition root, so the export reads exactly what the context's routes read (and needs the same
 * bindings: imaging index, accounts, audit and support tables, sharing, billing with the Stripe secret,
 * mail and the support message key).
 */
export const datasetSources = /* @__PURE__ */ once(
  (): DatasetSources => ({
    imaging: new ImagingDatasetSource(imagingIndex(), studyVersions(), reportDeps().reports),
    members: { members: (orgId) => accountsRepository().listMembers(orgId) },
    audit: new AuditDatasetSource(auditQueryDeps().store, auditQueryDeps().clock),
    sharing: {
      shares: (orgId) => sharingDeps().store.listShares(orgId),
      accessLog: (shareId) => sharingDeps().store.listAccess(shareId),
    },
    support: new SupportDatasetSource(supportStore(), supportDeps().sealer),
    billing: new BillingDatasetSource(once(billingDatasetDeps)),
    preferences: { preferences: (member) => getCommunicationPreferences(preferenceReadDeps(), member) },
    policy: { acceptances: (orgId) => policyStore().listAcceptances(orgId) },
  }),
);

/** The organization's datasets, in the order the archive lists them. */
export const organizationDatasets = /* @__PURE__ */ once((): readonly ExportDataset[] =>
  organizationDatasetsOver(datasetSources()),
);
