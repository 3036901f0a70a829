import * as z from 'zod';
import { IdSchema } from '../accounts/entities';

/** Step Functions state for the welcome workflow: ids only, never names or addresses. */
export const WelcomeMailInputSchema = z.strictObject({ orgId: IdSchema, userId: IdSchema });
export type WelcomeMailInput = z.infer<typeof WelcomeMailInputSchema>;

export const WelcomeMailResultSchema = z.object({ status: z.enum(['sent', 'already-sent']) });
export type WelcomeMailResult = z.infer<typeof WelcomeMailResultSchema>;
