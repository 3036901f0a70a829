import { imagingIndex } from '../../imaging/deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { requestStudyArchive, toExportView } from '../core/exports';
import { exportsDeps, exportWorkflow } from '../deps';
import { exportsRoutes } from '../routes';

export const handler = httpHandler(
  exportsRoutes.requestStudyArchive,
  async ({ principal, params, audit }) => {
    const { job, started } = await requestStudyArchive(
      { ...exportsDeps(), workflow: exportWorkflow(), index: imagingIndex() },
      principal,
      params.study,
    );
    audit.objects.push({ type: 'export', id: job.exportId });
    audit.reason = started ? 'study archive started' : 'a study archive of this member was already running';
    const body = { export: toExportView(job) };
    return started ? { statusCode: 202 as const, body } : { statusCode: 200 as const, body };
  },
);
