import middy from '@middy/core';
import { ExportTaskInputSchema, type ExportTaskResult } from '#schemas/exports/exports';
import { logFailure } from '../../shared/logger';
import { runExportStep } from '../core/export-steps';
import { exportStepDeps } from '../deps';

/**
 * Step Functions task: one step of the export workflow; state is ids only. A failure is logged (ids and
 * the error's name and stack) before Step Functions retries the step from its checkpoint.
 */
export const handler = middy<unknown, ExportTaskResult>().handler(async (event) => {
  const input = ExportTaskInputSchema.parse(event);
  try {
    return await runExportStep(exportStepDeps(), input);
  } catch (error) {
    logFailure('export step failed', error, { route: `export:${input.step}`, requestId: input.exportId });
    throw error;
  }
});
