import middy from '@middy/core';
import { PropagationTaskInputSchema, type PropagationTaskResult } from '#schemas/mail/propagation';
import { runPropagationStep } from '../core/propagation';
import { propagationDeps } from '../deps';

/** Step Functions task: one step of the preference propagation; state is ids only [PP-21]. */
export const handler = middy<unknown, PropagationTaskResult>().handler(async (event) =>
  runPropagationStep(propagationDeps(), PropagationTaskInputSchema.parse(event)),
);
