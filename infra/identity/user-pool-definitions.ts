import { PASSWORD_POLICY } from '#schemas/accounts/password-policy';
import { ROLES } from '#schemas/accounts/roles';
import { WORKFORCE_GROUPS } from '#schemas/accounts/staff';

/**
 * User pool settings shared by the CDK identity stack and the local Cognito stand-in.
 * Customers and PACScribe's own support staff are separate identity populations.
 */
export interface UserPoolDefinition {
  logicalName: 'customers' | 'support';
  groups: readonly string[];
  passwordPolicy: typeof PASSWORD_POLICY;
  /** MFA is required in AWS; the local stand-in cannot enforce TOTP, which the README states. */
  mfa: 'required';
  accessTokenMinutes: number;
  idTokenMinutes: number;
  refreshTokenHours: number;
  clientName: string;
}

export const customerUserPool: UserPoolDefinition = {
  logicalName: 'customers',
  groups: ROLES,
  passwordPolicy: PASSWORD_POLICY,
  mfa: 'required',
  accessTokenMinutes: 15,
  idTokenMinutes: 15,
  refreshTokenHours: 12,
  clientName: 'pacscribe-web',
};

/** The workforce pool's groups: the staff groups routes name (schemas/accounts/staff.ts). */
export const SUPPORT_GROUPS = WORKFORCE_GROUPS;

export const supportUserPool: UserPoolDefinition = {
  logicalName: 'support',
  groups: SUPPORT_GROUPS,
  passwordPolicy: PASSWORD_POLICY,
  mfa: 'required',
  accessTokenMinutes: 15,
  idTokenMinutes: 15,
  refreshTokenHours: 8,
  clientName: 'pacscribe-support-console',
};
