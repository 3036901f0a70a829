/** Cognito's InvalidPasswordException message for a password the pool's policy refuses, or null. */
export function passwordPolicyRefusal(
  password: string,
  policy:
    | {
        MinimumLength?: number;
        RequireLowercase?: boolean;
        RequireUppercase?: boolean;
        RequireNumbers?: boolean;
        RequireSymbols?: boolean;
      }
    | undefined,
): string | null {
  const prefix = 'Password does not conform to policy: ';
  if (!policy) return null;
  if (password.length < (policy.MinimumLength ?? 8)) return `${prefix}Password not long enough`;
  if (policy.RequireLowercase && !/[a-z]/.test(password))
    return `${prefix}Password must have lowercase characters`;
  if (policy.RequireUppercase && !/[A-Z]/.test(password))
    return `${prefix}Password must have uppercase characters`;
  if (policy.RequireNumbers && !/[0-9]/.test(password))
    return `${prefix}Password must have numeric characters`;
  if (policy.RequireSymbols && !/[^A-Za-z0-9]/.test(password))
    return `${prefix}Password must have symbol characters`;
  return null;
}
