import * as z from 'zod';
import { PolicyNoticeSchema } from '../policy/policy';
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
    /** A material privacy policy update not yet acknowledged (POST /v1/me/policy-notice/acknowledge). */
    policyNotice: PolicyNoticeSchema.nullable(),
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof MeResponseSchema>;
