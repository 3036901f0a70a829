import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { ContinuedUse } from '../../shared/continued-use';
import type { Clock } from '../../shared/ports';
import { documentInForce } from './documents';
import type { PolicyLibrary, PolicyStore } from './ports';

/**
 * Continued use as acceptance [PP-24]. Which version is in force is known from the documents the code
 * carries (no read); whether the member has accepted it comes with the membership record the request
 * reads anyway. Only a member behind the version in force costs a write, once: the acceptance item is
 * put on condition that it does not exist, so concurrent first requests record it exactly once.
 */
export class PolicyContinuedUse implements ContinuedUse {
  constructor(
    private readonly library: PolicyLibrary,
    private readonly store: Pick<PolicyStore, 'recordAcceptance'>,
    private readonly clock: Clock,
  ) {}

  versionInForce(now: Date): number | null {
    return documentInForce(this.library.documents(), now)?.version ?? null;
  }

  async record(principal: CustomerPrincipal, version: number): Promise<boolean> {
    return this.store.recordAcceptance({
      orgId: principal.orgId,
      userId: principal.userId,
      version,
      acceptedAt: this.clock.now().toISOString(),
    });
  }
}
