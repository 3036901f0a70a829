import { z } from 'zod';

/** The four customer roles the privacy policy names [PP-06]. Support staff are a separate population. */
export const ROLES = ['radiologist', 'technologist', 'administrator', 'clinician'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Every permission a route can require. Deny by default: a principal holds only what is listed for it. */
export const ACTIONS = [
  'view',
  'upload',
  'edit',
  'delete',
  'export',
  'share',
  'manage-users',
  'manage-billing',
  'view-audit',
] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/** Documented default permission sets; administrators may adjust them per user inside their organization. */
export const DEFAULT_PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  clinician: ['view'],
  technologist: ['view', 'upload', 'edit'],
  radiologist: ['view', 'edit'],
  administrator: ACTIONS,
};
