import {
  OrganizationAllowances,
  OrganizationRequestQuota,
  type QuotaDecision,
  type RequestCounterStore,
} from '../../../../functions/accounts/core/request-quota';

/** A shared counter, as every function instance sees it, with calls recorded. */
class SharedCounters implements RequestCounterStore {
  readonly totals = new Map<string, number>();
  readonly calls: { orgId: string; counter: string; window: string; count: number; expiresAt: string }[] = [];
  failing = false;

  async add(
    orgId: string,
    counter: string,
    windowStart: Date,
    count: number,
    expiresAt: Date,
  ): Promise<number> {
    if (this.failing) throw new Error('throttled');
    this.calls.push({
      orgId,
      counter,
      window: windowStart.toISOString(),
      count,
      expiresAt: expiresAt.toISOString(),
    });
    const key = `${orgId}/${counter}/${windowStart.toISOString()}`;
    const total = (this.totals.get(key) ?? 0) + count;
    this.totals.set(key, total);
    return total;
  }
}

function movableClock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const settings = { counter: 'all', requestsPerWindow: 10, windowSeconds: 60, reportEveryMs: 1000 };

async function admitted(decision: QuotaDecision): Promise<boolean> {
  if (decision.admitted) await decision.report;
  return decision.admitted;
}

describe('per-organization request limits', () => {
  it('admits an organization up to its allowance per minute and refuses the rest with the seconds left', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:15.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, settings);

    const outcomes: boolean[] = [];
    for (let index = 0; index < 12; index += 1) outcomes.push(await admitted(quota.admit('org-a')));

    expect(outcomes).toEqual([...Array(10).fill(true), false, false]);
    const refused = quota.admit('org-a');
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 45 });
  });

  it('reports at most once a second, beside the request, and not again while a report is out', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, { ...settings, requestsPerWindow: 100 });

    const first = quota.admit('org-a');
    const second = quota.admit('org-a');
    expect(first.admitted && first.report).toBeInstanceOf(Promise);
    expect(second.admitted && second.report).toBeUndefined();
    await (first.admitted ? first.report : undefined);
    for (let index = 0; index < 5; index += 1) await admitted(quota.admit('org-a'));
    expect(counters.calls).toHaveLength(1);

    clock.advance(1000);
    await admitted(quota.admit('org-a'));
    // The second report carries everything admitted since the first: the second, the five and this one.
    expect(counters.calls.map((call) => call.count)).toEqual([1, 7]);
    expect(counters.calls[0]).toMatchObject({
      orgId: 'org-a',
      counter: 'all',
      window: '2026-12-04T10:00:00.000Z',
      expiresAt: '2026-12-04T10:02:00.000Z',
    });
  });

  it("refuses once the organization's other instances have used the allowance, after one report", async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const busy = new OrganizationRequestQuota(counters, clock, settings);
    const other = new OrganizationRequestQuota(counters, clock, settings);
    for (let index = 0; index < 9; index += 1) await admitted(busy.admit('org-a'));
    clock.advance(1000);
    await admitted(busy.admit('org-a'));

    // The other instance knows nothing yet: its first request is admitted and its report hears the total.
    expect(await admitted(other.admit('org-a'))).toBe(true);
    expect(await admitted(other.admit('org-a'))).toBe(false);
  });

  it('keeps organizations apart: one at its allowance does not slow another', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, settings);
    for (let index = 0; index < 10; index += 1) await admitted(quota.admit('org-a'));

    expect(quota.admit('org-a').admitted).toBe(false);
    expect(await admitted(quota.admit('org-b'))).toBe(true);
  });

  it('starts every organization afresh in the next window', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:59.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, settings);
    for (let index = 0; index < 10; index += 1) await admitted(quota.admit('org-a'));
    expect(quota.admit('org-a')).toEqual({ admitted: false, retryAfterSeconds: 1 });

    clock.advance(1000);
    expect(await admitted(quota.admit('org-a'))).toBe(true);
    expect(counters.calls.at(-1)).toMatchObject({ window: '2026-12-04T10:01:00.000Z', count: 1 });
  });

  it('fails open when the counter cannot be reached, still holding the requests this instance saw', async () => {
    const counters = new SharedCounters();
    counters.failing = true;
    const failures: unknown[] = [];
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, settings, (error) => failures.push(error));

    const outcomes: boolean[] = [];
    for (let index = 0; index < 11; index += 1) {
      outcomes.push(await admitted(quota.admit('org-a')));
      clock.advance(1000);
    }

    expect(outcomes).toEqual([...Array(10).fill(true), false]);
    expect(failures).toHaveLength(10);
    expect(counters.calls).toHaveLength(0);
  });

  it('reports what failed to report once the counter answers again', async () => {
    const counters = new SharedCounters();
    counters.failing = true;
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, { ...settings, requestsPerWindow: 100 });
    for (let index = 0; index < 3; index += 1) await admitted(quota.admit('org-a'));

    counters.failing = false;
    clock.advance(1000);
    await admitted(quota.admit('org-a'));

    expect(counters.totals.get('org-a/all/2026-12-04T10:00:00.000Z')).toBe(4);
  });

  it('forgets the least recently seen organizations beyond a thousand, so memory stays bounded', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = new OrganizationRequestQuota(counters, clock, { ...settings, requestsPerWindow: 1 });
    await admitted(quota.admit('org-0'));
    expect(quota.admit('org-0').admitted).toBe(false);
    for (let index = 1; index <= 1000; index += 1) await admitted(quota.admit(`org-${index}`));

    // org-0 was forgotten; its next request is decided afresh and its report hears the shared total.
    expect(await admitted(quota.admit('org-0'))).toBe(true);
    expect(quota.admit('org-0').admitted).toBe(false);
  });

  it('holds a capped class to its own allowance first, and only then counts the request against the whole', async () => {
    const counters = new SharedCounters();
    const clock = movableClock('2026-12-04T10:00:00.000Z');
    const quota = (counter: string, requestsPerWindow: number) =>
      new OrganizationRequestQuota(counters, clock, { ...settings, counter, requestsPerWindow });
    const allowances = new OrganizationAllowances(quota('all', 5), { render: quota('render', 2) });

    expect(await admitted(allowances.admit('org-a', 'render'))).toBe(true);
    expect(await admitted(allowances.admit('org-a', 'render'))).toBe(true);
    // Rendering is used up; the organization's other requests go on until the whole is.
    expect(allowances.admit('org-a', 'render').admitted).toBe(false);
    expect(await admitted(allowances.admit('org-a', 'retrieve'))).toBe(true);
    expect(await admitted(allowances.admit('org-a', 'retrieve'))).toBe(true);
    expect(await admitted(allowances.admit('org-a', 'retrieve'))).toBe(true);
    expect(allowances.admit('org-a', 'retrieve').admitted).toBe(false);
    expect(new Set(counters.calls.map((call) => call.counter))).toEqual(new Set(['all', 'render']));
  });
});
