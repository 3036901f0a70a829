import type { Action, Role } from '#schemas/accounts/roles';

/** A verified token: who signed in, through which pool and when. */
export interface VerifiedToken {
  subject: string;
  pool: 'customers' | 'support';
  issuedAt: Date;
  clientId: string;
}

/** A customer acting inside their own organization; the organization comes only from here. */
export interface CustomerPrincipal {
  kind: 'customer';
  userId: string;
  orgId: string;
  role: Role;
  permissions: ReadonlySet<Action>;
}

export type Principal = CustomerPrincipal;
