import { z } from 'zod';
import { ActionSchema, RoleSchema } from './roles';

export const MeResponseSchema = z
  .object({
    user: z.object({
      userId: z.string(),
      email: z.email(),
      name: z.string(),
      role: RoleSchema,
      professionalRole: RoleSchema,
      status: z.enum(['active', 'disabled']),
    }),
    organization: z.object({ orgId: z.string(), name: z.string() }),
    permissions: z.array(ActionSchema),
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof MeResponseSchema>;
