import * as z from 'zod';

/**
 * One password policy for the deployed user pools, the local stand-in and request validation,
 * so a password the API accepts is never refused by Cognito afterwards.
 */
export const PASSWORD_POLICY = {
  minLength: 14,
  maxLength: 256,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  tempPasswordValidityDays: 3,
} as const;

export const PasswordSchema = z
  .string()
  .min(PASSWORD_POLICY.minLength, `must be at least ${PASSWORD_POLICY.minLength} characters`)
  .max(PASSWORD_POLICY.maxLength)
  .regex(/[a-z]/, 'must contain a lowercase letter')
  .regex(/[A-Z]/, 'must contain an uppercase letter')
  .regex(/[0-9]/, 'must contain a digit')
  .regex(/[^A-Za-z0-9]/, 'must contain a symbol');
