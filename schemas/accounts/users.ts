import * as z from 'zod';
import { DisplayTextSchema, EmailSchema, MemberStatusSchema } from './entities';
import { ActionSchema, RoleSchema } from './roles';

/**
 * User management by administrators [PP-06]. Bodies are strict: server-owned fields (orgId, status,
 * createdBy, tokensValidAfter …) are refused, never silently ignored.
 */
export const CreateUserBodySchema = z
  .strictObject({
    email: EmailSchema,
    name: DisplayTextSchema,
    role: RoleSchema,
    /** Omitted: the role's documented default set. */
    permissions: z.array(ActionSchema).max(20).optional(),
  })
  .meta({ id: 'CreateUserRequest' });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z
  .strictObject({
    role: RoleSchema.optional(),
    /** The complete new set; a role change without it resets to the new role's defaults. */
    permissions: z.array(ActionSchema).max(20).optional(),
  })
  .refine(
    (body) => body.role !== undefined || body.permissions !== undefined,
    'give a role, permissions or both',
  )
  .meta({ id: 'UpdateUserRequest' });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const UpdateProfileBodySchema = z
  .strictObject({ name: DisplayTextSchema })
  .meta({ id: 'UpdateProfileRequest' });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBodySchema>;

export const UserViewSchema = z
  .object({
    userId: z.string(),
    email: z.email(),
    name: z.string(),
    role: RoleSchema,
    permissions: z.array(ActionSchema),
    status: MemberStatusSchema,
    createdAt: z.iso.datetime(),
    invitationExpiresAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof UserViewSchema>;

export const UserListSchema = z.object({ users: z.array(UserViewSchema) }).meta({ id: 'UserList' });
export type UserList = z.infer<typeof UserListSchema>;
