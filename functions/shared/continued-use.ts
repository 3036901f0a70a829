import type { CustomerPrincipal } from './auth/principal';

/**
 * Port: continued use recorded as acceptance of the policy in force [PP-24]. The HTTP stack asks only
 * when the member's record says they are behind that version, and never waits for it before the handler.
 */
export interface ContinuedUse {
  versionInForce(now: Date): number | null;
  /** Records the acceptance; false when it was already recorded (a concurrent request won). */
  record(principal: CustomerPrincipal, version: number): Promise<boolean>;
}
