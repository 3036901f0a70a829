import * as z from 'zod';
import { IdSchema } from '../accounts/entities';

/** Step Functions state of the preference propagation workflow: ids only, never an address [PP-21]. */
export const PropagationInputSchema = z.strictObject({ userId: IdSchema, propagationId: IdSchema });
export type PropagationInput = z.infer<typeof PropagationInputSchema>;

/** Each task names its step; the one task function applies the user's current preference there. */
export const PROPAGATION_STEPS = [
  'preference-record',
  'ses-contact-list',
  'audience-export',
  'complete',
] as const;
export const PropagationTaskInputSchema = PropagationInputSchema.extend({ step: z.enum(PROPAGATION_STEPS) });
export type PropagationTaskInput = z.infer<typeof PropagationTaskInputSchema>;

export const PropagationTaskResultSchema = z.object({
  step: z.enum(PROPAGATION_STEPS),
  at: z.iso.datetime(),
});
export type PropagationTaskResult = z.infer<typeof PropagationTaskResultSchema>;
