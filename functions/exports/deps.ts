import { accountsRepository } from '../accounts/deps';
import { auditQueryDeps } from '../audit/deps';
import { billingDeps } from '../billing/deps';
import { imagingIndex, reportDeps, studyVersions } from '../imaging/deps';
import { getCommunicationPreferences } from '../mail/core/preferences';
import { preferenceReadDeps } from '../mail/deps';
import { policyStore } from '../policy/deps';
import { once } from '../shared/once';
import { sharingDeps } from '../sharing/deps';
import { supportDeps, supportStore } from '../support/deps';
import { AuditDatasetSource } from './adapters/audit-dataset-source';
import { BillingDatasetSource } from './adapters/billing-dataset-source';
import { ImagingDatasetSource } from './adapters/imaging-dataset-source';
import { SupportDatasetSource } from './adapters/support-dataset-source';
import type { DatasetSources } from './core/dataset-sources';
import { organizationDatasetsOver } from './core/datasets';
import type { ExportDataset } from './core/ports';

/**
 * Composition root of the exports context's datasets: each context's records through that context's own
 * composition root, so the export reads exactly what the context's routes read (and needs the same
 * bindings: imaging index, accounts, audit and support tables, sharing, billing with the Stripe secret,
 * mail and the support message key).
 */
export const datasetSources = once(
  (): DatasetSources => ({
    imaging: new ImagingDatasetSource(imagingIndex(), studyVersions(), reportDeps().reports),
    members: { members: (orgId) => accountsRepository().listMembers(orgId) },
    audit: new AuditDatasetSource(auditQueryDeps().store, auditQueryDeps().clock),
    sharing: {
      shares: (orgId) => sharingDeps().store.listShares(orgId),
      accessLog: (shareId) => sharingDeps().store.listAccess(shareId),
    },
    support: new SupportDatasetSource(supportStore(), supportDeps().sealer),
    billing: new BillingDatasetSource(billingDeps),
    preferences: { preferences: (member) => getCommunicationPreferences(preferenceReadDeps(), member) },
    policy: { acceptances: (orgId) => policyStore().listAcceptances(orgId) },
  }),
);

/** The organization's datasets, in the order the archive lists them. */
export const organizationDatasets = once((): readonly ExportDataset[] =>
  organizationDatasetsOver(datasetSources()),
);
