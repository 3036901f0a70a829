/**
 * The organization each recently seen member belongs to, as their membership record said. It only lets a
 * request's first read start beside the membership read instead of after it: the read's result is used
 * once this request's own record names the same organization and authorization has passed.
 */
export class KnownOrganizations {
  private readonly bySubject = new Map<string, string>();

  /** Bounded so a function instance's memory does not grow with the number of users it has served. */
  constructor(private readonly maxEntries = 10_000) {}

  of(subject: string): string | undefined {
    return this.bySubject.get(subject);
  }

  remember(subject: string, orgId: string): void {
    // Re-inserted so the Map's order is least recently seen first.
    this.bySubject.delete(subject);
    this.bySubject.set(subject, orgId);
    if (this.bySubject.size > this.maxEntries) {
      const oldest = this.bySubject.keys().next().value;
      if (oldest !== undefined) this.bySubject.delete(oldest);
    }
  }
}
