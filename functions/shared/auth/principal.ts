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
  /** The policy version the member's continued use accepted last, from the membership record [PP-24]. */
  acceptedPolicyVersion?: number;
}

/** PACScribe's own staff, from the separate workforce pool; never tied to one customer organization. */
export interface WorkforcePrincipal {
  kind: 'workforce';
  staffId: string;
  groups: readonly string[];
}

/**
 * A support engineer looking at one organization under an active access grant [PP-08]: the organization
 * comes from the grant, never from the request, and only routes declared support-readable accept it.
 */
export interface SupportPrincipal {
  kind: 'support';
  staffId: string;
  orgId: string;
  grant: { grantId: string; ticketId: string; reason: string; expiresAt: string };
  /** Viewing only, whatever the route: the policy admits this principal on support-readable routes alone. */
  permissions: ReadonlySet<Action>;
}

export type Principal = CustomerPrincipal | WorkforcePrincipal | SupportPrincipal;

/**
 * What read-only use cases need of the caller: the organization whose records they read, from the
 * verified identity (a member) or from the grant (support) — never from the request.
 */
export type OrganizationReader = Pick<CustomerPrincipal | SupportPrincipal, 'orgId'>;
