import * as z from 'zod';

export const HealthResponseSchema = z
  .object({ status: z.literal('ok'), version: z.string() })
  .meta({ id: 'Health' });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
