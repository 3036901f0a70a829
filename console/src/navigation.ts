import type { Action } from '../../schemas/accounts/roles';

export interface NavItem {
  path: string;
  label: string;
  /** Any one of these permissions shows the page; none listed means every member. */
  anyOf: Action[];
}

/** The pages in the order a facility uses them; each appears only for those whose permissions allow it. */
export const NAV: readonly NavItem[] = [
  { path: '/', label: 'Home', anyOf: [] },
  { path: '/studies', label: 'Studies', anyOf: ['view'] },
  { path: '/upload', label: 'Upload', anyOf: ['upload'] },
  { path: '/shares', label: 'Shares', anyOf: ['share', 'view-audit'] },
  { path: '/exports', label: 'Exports', anyOf: ['export'] },
  { path: '/users', label: 'Users', anyOf: ['manage-users'] },
  { path: '/audit', label: 'Audit log', anyOf: ['view-audit'] },
  { path: '/support', label: 'Support', anyOf: [] },
  { path: '/billing', label: 'Billing', anyOf: ['manage-billing'] },
  { path: '/preferences', label: 'Mail preferences', anyOf: [] },
  { path: '/privacy-policy', label: 'Privacy policy', anyOf: [] },
];
