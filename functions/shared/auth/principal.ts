import type { Action, Role } from '#schemas/accounts/roles';

/** A verified token: who signed in, through which pool and when. */
export interface VerifiedToken {
  subject: string;
  pool: 'customers' | 'support';
  issuedAt: Date;
  clientId: string;
  /** cognito:groups; authoritative only for the workforce pool (customers' access comes from DynamoDB). */
  groups: string[];
}

/** A customer acting inside their own organization; the organization comes only from here. */
export interface CustomerPrincipal {
  kind: 'customer';
  userId: string;
  orgId: string;
  role: Role;
  permissions: ReadonlySet<Action>;
}

/** PACScribe's own staff, from the separate workforce pool; never tied to one customer organization. */
export interface WorkforcePrincipal {
  kind: 'workforce';
  staffId: string;
  groups: readonly string[];
}

export type Principal = CustomerPrincipal | WorkforcePrincipal;
