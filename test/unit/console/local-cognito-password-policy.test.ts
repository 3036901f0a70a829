import { PASSWORD_POLICY } from '../../../schemas/accounts/password-policy';
import { passwordPolicyRefusal } from '../../../scripts/local/services/cognito-password-policy';

/** The pool's policy as bootstrap.ts gives it to cognito-local. */
const poolPolicy = {
  MinimumLength: PASSWORD_POLICY.minLength,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

describe("local Cognito: the pool's password policy on a new password", () => {
  it.each([
    ['Sh0rt-Pass!', 'Password not long enough'],
    ['NO-LOWERCASE-PASSW0RD!', 'Password must have lowercase characters'],
    ['no-uppercase-passw0rd!', 'Password must have uppercase characters'],
    ['No-Digits-Password!', 'Password must have numeric characters'],
    ['NoSymbolsPassw0rdHere', 'Password must have symbol characters'],
  ])('refuses %s as Cognito does', (password, reason) => {
    expect(passwordPolicyRefusal(password, poolPolicy)).toBe(
      `Password does not conform to policy: ${reason}`,
    );
  });

  it('accepts a password that meets the policy', () => {
    expect(passwordPolicyRefusal('Chosen-Passw0rd-2026!', poolPolicy)).toBeNull();
  });
});
