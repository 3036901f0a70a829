import type { Report } from '#schemas/imaging/reports';
import { editedDocument } from '../../imaging/core/attribute-edits';
import type { CurrentEdits, ImagingIndex, StudyRecord } from '../../imaging/core/ports';
import type { StudyVersionStore } from '../../imaging/core/study-versions';
import type { ImagingSource } from '../core/dataset-sources';

/** The imaging index's listings the export reads, including its paged listing of every study. */
export type ExportableImagingIndex = Pick<ImagingIndex, 'listSeries' | 'listInstances'> & {
  allStudies(orgId: string): AsyncIterable<StudyRecord>;
};

/** The imaging context's records of one organization, over its own index, versions and reports. */
export class ImagingDatasetSource implements ImagingSource {
  constructor(
    private readonly index: ExportableImagingIndex,
    private readonly versionStore: Pick<StudyVersionStore, 'listVersions' | 'storedMetadata'> & CurrentEdits,
    private readonly reports: { versions(orgId: string, study: string): Promise<Report[]> },
  ) {}

  studies(orgId: string) {
    return this.index.allStudies(orgId);
  }

  series(orgId: string, study: string) {
    return this.index.listSeries(orgId, study);
  }

  instances(orgId: string, study: string) {
    return this.index.listInstances(orgId, study, null);
  }

  async firstInstanceMetadata(orgId: string, study: string) {
    const [document, edits] = await Promise.all([
      this.versionStore.storedMetadata(orgId, study, null),
      this.versionStore.currentEdits(orgId, study),
    ]);
    // As every read of the study shows it: stored instances never change, edits apply on the way out.
    return document === null ? null : editedDocument(document, edits);
  }

  versions(orgId: string, study: string) {
    return this.versionStore.listVersions(orgId, study);
  }

  reportVersions(orgId: string, study: string) {
    return this.reports.versions(orgId, study);
  }
}
