import * as z from 'zod';

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;

/**
 * Rendered and thumbnail query parameters (PS3.18 §8.3.5). Values are checked for shape here; the
 * rendering core checks what the shape cannot say (a width above zero, a viewport within bounds).
 */
export const RenderedQuerySchema = z
  .looseObject({
    accept: z.string().max(1024).optional().meta({ description: 'Overrides the Accept header.' }),
    quality: z
      .string()
      .regex(/^\d{1,3}$/, 'an integer from 1 to 100')
      .refine((value) => Number(value) >= 1 && Number(value) <= 100, 'an integer from 1 to 100')
      .optional()
      .meta({ description: 'JPEG quality, 1–100 (default 90); ignored for PNG.' }),
    viewport: z
      .string()
      .max(128)
      .regex(
        new RegExp(`^\\d{1,6},\\d{1,6}(?:,${NUMBER},${NUMBER},${NUMBER},${NUMBER})?$`),
        'vw,vh or vw,vh,sx,sy,sw,sh',
      )
      .optional()
      .meta({
        description:
          'vw,vh: the image is scaled to fit inside vw×vh pixels (at most 4096 each); vw,vh,sx,sy,sw,sh: the source region sx,sy,sw,sh is cut out first.',
      }),
    window: z
      .string()
      .max(128)
      .regex(
        new RegExp(`^${NUMBER},${NUMBER},(?:linear|linear-exact|sigmoid|LINEAR|LINEAR_EXACT|SIGMOID)$`),
        'center,width,function with function linear, linear-exact or sigmoid',
      )
      .optional()
      .meta({
        description:
          'center,width,function (linear, linear-exact or sigmoid) in modality values; otherwise the first window of the instance, otherwise the range of its modality values.',
      }),
  })
  .meta({ id: 'RenderedQuery' });
export type RenderedQuery = z.infer<typeof RenderedQuerySchema>;
