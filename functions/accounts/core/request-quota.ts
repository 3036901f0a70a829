import type { RouteClass } from '../../shared/http/route-class';
import type { Clock, QuotaDecision } from '../../shared/ports';

/**
 * Per-organization request limits, enforced in the application because neither API Gateway nor WAF
 * knows which organization a bearer token belongs to. One customer's burst must not take the shared
 * Lambda pool and DynamoDB capacity the others' reading rooms need (docs/capacity.md).
 *
 * Counting costs no sequential round trip: each function instance decides from what it already knows
 * (the organization's total at its last report, plus its own requests since) and reports its count to the
 * shared counter at most once a second, beside the handler. The limit is therefore approximate by
 * design: it may overshoot by what the busy instances admit in the second before they hear of it.
 */
export interface RequestCounterStore {
  /** Adds `count` to one of the organization's counters for the window; answers the window's new total. */
  add(orgId: string, counter: string, windowStart: Date, count: number, expiresAt: Date): Promise<number>;
}

export interface RequestQuotaSettings {
  /** Which of the organization's counters: `all` requests, or one route class's. */
  readonly counter: string;
  /** Requests one organization may make in one window, across every function instance. */
  readonly requestsPerWindow: number;
  readonly windowSeconds: number;
  /** How often an instance reports its count (and hears the total) while it keeps serving the organization. */
  readonly reportEveryMs: number;
}

export type { QuotaDecision };

interface OrganizationWindow {
  windowStart: number;
  /** The organization's total as the counter last answered, this instance's reported requests included. */
  knownTotal: number;
  /** Requests being reported right now: counted here until the counter's answer includes them. */
  inFlight: number;
  unreported: number;
  lastReportAt: number;
}

/** Instances keep at most this many organizations' windows; the oldest go first. */
const MAX_TRACKED_ORGANIZATIONS = 1000;

export class OrganizationRequestQuota {
  private readonly windows = new Map<string, OrganizationWindow>();

  constructor(
    private readonly counters: RequestCounterStore,
    private readonly clock: Clock,
    private readonly settings: RequestQuotaSettings,
    /** Told when a report fails: the limit then holds on what this instance knows (fails open). */
    private readonly onReportFailure: (error: unknown) => void = () => {},
  ) {}

  /**
   * Admits or refuses one request of the organization. An admitted request may carry a report to settle
   * before its response leaves (so no write outlives the invocation); a refused one is not counted.
   */
  admit(orgId: string): QuotaDecision {
    const now = this.clock.now().getTime();
    const windowMs = this.settings.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const current = this.windowOf(orgId, windowStart);
    if (current.knownTotal + current.inFlight + current.unreported >= this.settings.requestsPerWindow) {
      return {
        admitted: false,
        retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
      };
    }
    current.unreported += 1;
    const due = current.lastReportAt === 0 || now - current.lastReportAt >= this.settings.reportEveryMs;
    if (!due || current.inFlight > 0) return { admitted: true, report: undefined };
    return { admitted: true, report: this.report(orgId, current, now, windowMs) };
  }

  private windowOf(orgId: string, windowStart: number): OrganizationWindow {
    const known = this.windows.get(orgId);
    if (known && known.windowStart === windowStart) {
      // Re-inserted so the map's order stays least recently used first.
      this.windows.delete(orgId);
      this.windows.set(orgId, known);
      return known;
    }
    const fresh: OrganizationWindow = {
      windowStart,
      knownTotal: 0,
      inFlight: 0,
      unreported: 0,
      lastReportAt: 0,
    };
    this.windows.delete(orgId);
    this.windows.set(orgId, fresh);
    if (this.windows.size > MAX_TRACKED_ORGANIZATIONS) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    return fresh;
  }

  private async report(orgId: string, window: OrganizationWindow, now: number, windowMs: number) {
    const count = window.unreported;
    window.unreported = 0;
    window.inFlight = count;
    window.lastReportAt = now;
    try {
      const total = await this.counters.add(
        orgId,
        this.settings.counter,
        new Date(window.windowStart),
        count,
        // The counter outlives its window a little, for operators looking at a refusal.
        new Date(window.windowStart + windowMs * 2),
      );
      window.knownTotal = Math.max(window.knownTotal + count, total);
    } catch (error) {
      // Back to be reported next time; meanwhile this instance still counts them.
      window.unreported += count;
      this.onReportFailure(error);
    } finally {
      window.inFlight = 0;
    }
  }
}

/**
 * An organization's allowances: all its requests together, and apart from that each capped route class
 * (rendering, storing), whose reserved concurrency every organization shares. A request must fit both; the
 * class is checked first, so a refused class never counts against the whole.
 */
export class OrganizationAllowances {
  constructor(
    private readonly all: OrganizationRequestQuota,
    private readonly byClass: Partial<Record<RouteClass, OrganizationRequestQuota>>,
  ) {}

  admit(orgId: string, routeClass: RouteClass): QuotaDecision {
    const ofClass = this.byClass[routeClass]?.admit(orgId);
    if (ofClass && !ofClass.admitted) return ofClass;
    const overall = this.all.admit(orgId);
    if (!overall.admitted) return overall;
    const reports = [ofClass?.report, overall.report].filter((report) => report !== undefined);
    return {
      admitted: true,
      report: reports.length === 0 ? undefined : Promise.all(reports).then(() => undefined),
    };
  }
}
