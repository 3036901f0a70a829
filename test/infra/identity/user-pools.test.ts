import { customerUserPool, SUPPORT_GROUPS } from '#infra/identity/user-pool-definitions';
import { PASSWORD_POLICY } from '#schemas/accounts/password-policy';
import { ROLES } from '#schemas/accounts/roles';
import { resourcesOf, synthesizedApp } from '../app-fixture';

type Props = Record<string, unknown>;
const identity = () => synthesizedApp().stacks.identity;
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  identity().resolve(identity().getLogicalId(construct.node.defaultChild as never)) as string;

const MINUTES_PER_UNIT: Record<string, number> = { minutes: 1, hours: 60, days: 1440 };
function minutes(client: Props, token: 'AccessToken' | 'IdToken' | 'RefreshToken'): number {
  const units = (client.TokenValidityUnits as Record<string, string>)[token] ?? 'minutes';
  return Number(client[`${token}Validity`]) * (MINUTES_PER_UNIT[units] ?? Number.NaN);
}

describe('identity', () => {
  beforeAll(() => synthesizedApp());

  const pools = () => resourcesOf(identity(), 'AWS::Cognito::UserPool');
  const clients = () =>
    Object.values(resourcesOf(identity(), 'AWS::Cognito::UserPoolClient')).map((c) => c.Properties as Props);

  it('[PP-18] both user pools require MFA (TOTP only, never SMS)', () => {
    expect(Object.keys(pools())).toHaveLength(2);
    for (const pool of Object.values(pools())) {
      expect(pool.Properties).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    }
  });

  it('[PP-18] the password policy comes from the shared definition', () => {
    for (const pool of Object.values(pools())) {
      expect(pool.Properties).toMatchObject({
        Policies: {
          PasswordPolicy: {
            MinimumLength: PASSWORD_POLICY.minLength,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: PASSWORD_POLICY.tempPasswordValidityDays,
          },
        },
      });
    }
  });

  it('[PP-18] threat protection is enforced (Plus tier) and self sign-up is off', () => {
    for (const pool of Object.values(pools())) {
      expect(pool.Properties).toMatchObject({
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: 'ACTIVE',
      });
    }
  });

  it('[PP-18] access tokens live at most 15 minutes, refresh tokens at most 12 hours, and can be revoked', () => {
    expect(clients()).toHaveLength(2);
    for (const client of clients()) {
      expect(minutes(client, 'AccessToken')).toBeLessThanOrEqual(15);
      expect(minutes(client, 'IdToken')).toBeLessThanOrEqual(15);
      expect(minutes(client, 'RefreshToken')).toBeLessThanOrEqual(12 * 60);
      expect(client).toMatchObject({
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
        GenerateSecret: false,
      });
      expect(client.ExplicitAuthFlows).toEqual(
        expect.arrayContaining([
          'ALLOW_USER_PASSWORD_AUTH',
          'ALLOW_USER_SRP_AUTH',
          'ALLOW_REFRESH_TOKEN_AUTH',
        ]),
      );
      // The API accepts only tokens carrying this scope; hosted-UI tokens need it granted.
      expect(client.AllowedOAuthScopes).toContain('aws.cognito.signin.user.admin');
    }
    const customerClient = clients().find((client) => client.ClientName === customerUserPool.clientName);
    expect(minutes(customerClient ?? {}, 'AccessToken')).toBe(customerUserPool.accessTokenMinutes);
  });

  it('the customer pool has exactly one Cognito group per role', () => {
    const customerPoolId = logicalIdOf(identity().customers.userPool);
    const groups = Object.values(resourcesOf(identity(), 'AWS::Cognito::UserPoolGroup'))
      .map((group) => group.Properties as Props)
      .filter((group) => JSON.stringify(group.UserPoolId) === JSON.stringify({ Ref: customerPoolId }))
      .map((group) => group.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('support staff are a separate user pool with their own groups', () => {
    const supportPoolId = logicalIdOf(identity().support.userPool);
    expect(supportPoolId).not.toBe(logicalIdOf(identity().customers.userPool));
    const groups = Object.values(resourcesOf(identity(), 'AWS::Cognito::UserPoolGroup'))
      .map((group) => group.Properties as Props)
      .filter((group) => JSON.stringify(group.UserPoolId) === JSON.stringify({ Ref: supportPoolId }))
      .map((group) => group.GroupName);
    expect(groups.sort()).toEqual([...SUPPORT_GROUPS].sort());
  });

  it('each pool has a hosted-UI domain', () => {
    expect(Object.keys(resourcesOf(identity(), 'AWS::Cognito::UserPoolDomain'))).toHaveLength(2);
  });
});
