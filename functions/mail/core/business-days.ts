import { allForYear } from '@18f/us-federal-holidays';

/**
 * US business days: Monday to Friday except US federal holidays as observed (a Saturday holiday on the
 * Friday before, a Sunday one on the Monday after), from a maintained holiday library so new holidays
 * (Juneteenth, 2021) arrive with an update rather than an edit here. Days are calendar dates in
 * America/New_York, where PACScribe's business day is kept.
 */
export const BUSINESS_TIME_ZONE = 'America/New_York';

/** 'YYYY-M-D' from the library, or ISO 'YYYY-MM-DD': both normalised to ISO. */
const iso = (date: Date) => date.toISOString().slice(0, 10);
const normalise = (text: string) => {
  const [y, m, d] = text.split('-').map(Number);
  return iso(new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)));
};

const observedHolidays = new Map<number, ReadonlySet<string>>();

function holidaysOf(year: number): ReadonlySet<string> {
  let dates = observedHolidays.get(year);
  if (!dates) {
    // Observed dates; New Year's Day of the next year can be observed on 31 December of this one.
    dates = new Set(
      [...allForYear(year), ...allForYear(year + 1)].map((holiday) => normalise(holiday.dateString)),
    );
    observedHolidays.set(year, dates);
  }
  return dates;
}

export function isUsFederalHoliday(isoDate: string): boolean {
  const year = Number(isoDate.slice(0, 4));
  return holidaysOf(year).has(isoDate);
}

export function isUsBusinessDay(isoDate: string): boolean {
  const weekday = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isUsFederalHoliday(isoDate);
}

/** The calendar date an instant falls on in America/New_York. */
export function businessDateOf(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: BUSINESS_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The date `count` US business days after `isoDate` (the day itself does not count). */
export function addUsBusinessDays(isoDate: string, count: number): string {
  let cursor = new Date(`${isoDate}T12:00:00Z`);
  let remaining = count;
  while (remaining > 0) {
    cursor = new Date(cursor.getTime() + 24 * 3600 * 1000);
    if (isUsBusinessDay(iso(cursor))) remaining -= 1;
  }
  return iso(cursor);
}

/** Minutes America/New_York is ahead of UTC at an instant (negative: -300 in winter, -240 in summer). */
function zoneOffsetMinutes(instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: BUSINESS_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value);
  const local = Date.UTC(
    value('year'),
    value('month') - 1,
    value('day'),
    value('hour'),
    value('minute'),
    value('second'),
  );
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** The deadline of a change requested at `requestedAt`: the end of the Nth business day after it. */
export function businessDayDeadline(requestedAt: Date, businessDays: number) {
  const deadlineDate = addUsBusinessDays(businessDateOf(requestedAt), businessDays);
  const [y, m, d] = deadlineDate.split('-').map(Number);
  // Midnight that ends the deadline date in New York, found from the zone's offset on that day.
  const nextMidnightUtc = Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1);
  const guess = new Date(nextMidnightUtc);
  const deadlineAt = new Date(nextMidnightUtc - zoneOffsetMinutes(guess) * 60000 - 1);
  return { deadlineDate, deadlineAt: deadlineAt.toISOString() };
}
