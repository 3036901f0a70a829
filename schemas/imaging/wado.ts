import * as z from 'zod';

/**
 * WADO-RS query parameters (PS3.18 §8.3.3.1): `accept` stands in for the Accept header in links a browser
 * follows. Other parameters are ignored, as viewers add their own (cache busters, tokens of their own).
 */
export const WadoQuerySchema = z
  .looseObject({
    accept: z.string().max(1024).optional().meta({ description: 'Overrides the Accept header.' }),
  })
  .meta({ id: 'WadoQuery' });
export type WadoQuery = z.infer<typeof WadoQuerySchema>;
