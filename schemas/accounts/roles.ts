import * as z from 'zod';

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
  /** Write and amend radiology reports (radiologists by default). */
  'write-reports',
] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/** Documented default permission sets; administrators may adjust them per user inside their organization. */
export const DEFAULT_PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  clinician: ['view'],
  technologist: ['view', 'upload', 'edit'],
  radiologist: ['view', 'edit', 'write-reports'],
  // Explicit, not ACTIONS: a new permission (reports) is not an administrator's unless listed here.
  administrator: [
    'view',
    'upload',
    'edit',
    'delete',
    'export',
    'share',
    'manage-users',
    'manage-billing',
    'view-audit',
  ],
};

/**
 * Clinical authority rather than access: signing a report is a radiologist's professional act, which an
 * administrator assigns without practising it. User managers may grant these without holding them; every
 * other permission must be held to be granted (functions/accounts/core/membership-rules.ts).
 */
export const CLINICAL_PERMISSIONS: readonly Action[] = ['write-reports'];
