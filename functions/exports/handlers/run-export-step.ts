import middy from '@middy/core';
import { ExportTaskInputSchema, type ExportTaskResult } from '#schemas/exports/exports';
import { runExportStep } from '../core/export-steps';
import { exportStepDeps } from '../deps';

/** Step Functions task: one step of the export workflow; state is ids only. */
export const handler = middy<unknown, ExportTaskResult>().handler(async (event) =>
  runExportStep(exportStepDeps(), ExportTaskInputSchema.parse(event)),
);
