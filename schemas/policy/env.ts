import * as z from 'zod';

/**
 * Where the policy documents sit beside the function's code (copied there at bundling); the local stack
 * points it at the repository's policies/privacy folder.
 */
export const PolicyDocumentsEnvSchema = z.object({ PRIVACY_POLICY_DIR: z.string().min(1) });

/** Each binding of the policy context and the env vars it sets (infra/policy/bindings.ts grants them). */
export const POLICY_BINDINGS = {
  /**
   * Every customer route: record continued use as acceptance [PP-24]: PutItem of acceptance items only
   * (POLICYACCEPT#…) and UpdateItem of the member's acceptedPolicyVersion alone.
   */
  'policy-acceptance:record': z.object({}),
  /**
   * POST /v1/me/policy-notice/acknowledge: UpdateItem of the member's policyNoticeAcknowledgedVersion
   * alone [PP-23].
   */
  'policy-notice:acknowledge': z.object({}),
} as const;
