import { LRUCache } from 'lru-cache';

/**
 * The organization each recently seen member belongs to, as their membership record said. It only lets a
 * request's first read start beside the membership read instead of after it: the read's result is used
 * once this request's own record names the same organization and authorization has passed.
 */
export class KnownOrganizations {
  /** Bounded so a function instance's memory does not grow with the number of users it has served. */
  private readonly bySubject: LRUCache<string, string>;

  constructor(maxEntries = 10_000) {
    this.bySubject = new LRUCache({ max: maxEntries });
  }

  of(subject: string): string | undefined {
    return this.bySubject.get(subject);
  }

  remember(subject: string, orgId: string): void {
    this.bySubject.set(subject, orgId);
  }
}
