import * as z from 'zod';
import { DisplayTextSchema, EmailSchema } from './entities';
import { PasswordSchema } from './password-policy';
import { RoleSchema } from './roles';

/**
 * Sign-up collects name, organization/facility, role and email [PP-01]. Strict: server-owned keys
 * such as orgId or permissions are refused rather than ignored. No password here: it is chosen at
 * verification, so nothing secret is kept while the address is unproven.
 */
export const SignupBodySchema = z
  .strictObject({
    name: DisplayTextSchema,
    organizationName: DisplayTextSchema,
    role: RoleSchema,
    email: EmailSchema,
  })
  .meta({ id: 'SignupRequest' });
export type SignupBody = z.infer<typeof SignupBodySchema>;

/** The one answer to every well-formed sign-up, whether or not the address has an account. */
export const SignupAcceptedResponseSchema = z
  .object({ status: z.literal('verification-sent') })
  .meta({ id: 'SignupAcceptedResponse' });
export type SignupAcceptedResponse = z.infer<typeof SignupAcceptedResponseSchema>;

/** The mailed code is digits only; anything else cannot be one and is refused as input. */
export const VerificationCodeSchema = z.string().regex(/^\d{8}$/, 'must be the 8-digit code from the mail');

/** Proves the address with the mailed code and chooses the password of the first administrator. */
export const VerifySignupBodySchema = z
  .strictObject({
    email: EmailSchema,
    code: VerificationCodeSchema,
    password: PasswordSchema,
  })
  .meta({ id: 'VerifySignupRequest' });
export type VerifySignupBody = z.infer<typeof VerifySignupBodySchema>;

/** What account creation needs once the address is proven (the former one-step sign-up body). */
export type NewAccount = SignupBody & { password: string };

export const SignupResponseSchema = z
  .object({
    orgId: z.string(),
    userId: z.string(),
    email: z.email(),
    role: RoleSchema,
  })
  .meta({ id: 'SignupResponse' });
export type SignupResponse = z.infer<typeof SignupResponseSchema>;

/**
 * A sign-up waiting for its address to be proven, under SIGNUP#<email> / PENDING with a TTL. Only the
 * code's salted hash is kept. `attempts` counts wrong codes since the last code; `codesIssued` caps how
 * often one address can be mailed in a window. An entry that only counts attempts (someone guessing
 * codes for an address with no pending sign-up) has no `signup`, so both lock the same way.
 */
export const PendingSignupSchema = z.object({
  email: EmailSchema,
  attempts: z.number().int().nonnegative().default(0),
  codesIssued: z.number().int().nonnegative().default(0),
  /** Epoch seconds; the table's TTL attribute. */
  expiresAt: z.number().int(),
  signup: z
    .object({
      name: DisplayTextSchema,
      organizationName: DisplayTextSchema,
      role: RoleSchema,
      codeHash: z.string(),
      codeSalt: z.string(),
      requestedAt: z.iso.datetime(),
    })
    .optional(),
  /** Set once the organization exists: a retried verification answers with the same ids. */
  completed: z.object({ orgId: z.string(), userId: z.string(), role: RoleSchema }).optional(),
});
export type PendingSignup = z.infer<typeof PendingSignupSchema>;
