import { z } from 'zod';
import { DisplayTextSchema, EmailSchema } from './entities';
import { PasswordSchema } from './password-policy';
import { RoleSchema } from './roles';

/**
 * Sign-up collects name, organization/facility, role and email [PP-01]. Strict: server-owned keys
 * such as orgId or permissions are refused rather than ignored.
 */
export const SignupBodySchema = z
  .strictObject({
    name: DisplayTextSchema,
    organizationName: DisplayTextSchema,
    role: RoleSchema,
    email: EmailSchema,
    password: PasswordSchema,
  })
  .meta({ id: 'SignupRequest' });
export type SignupBody = z.infer<typeof SignupBodySchema>;

export const SignupResponseSchema = z
  .object({
    orgId: z.string(),
    userId: z.string(),
    email: z.email(),
    role: RoleSchema,
  })
  .meta({ id: 'SignupResponse' });
export type SignupResponse = z.infer<typeof SignupResponseSchema>;
