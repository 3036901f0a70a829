import {
  addUsBusinessDays,
  businessDateOf,
  businessDayDeadline,
  isUsBusinessDay,
} from '../../../../functions/mail/core/business-days';

describe('US business days (weekends, federal holidays as observed, America/New_York dates)', () => {
  it('[PP-21] an opt-out on the day before Thanksgiving is due 10 business days later, skipping the holiday and two weekends', () => {
    // Wed 2026-11-25; Thanksgiving Thu 11-26 is not a business day; Fri 11-27 is day 1.
    const { deadlineDate, deadlineAt } = businessDayDeadline(new Date('2026-11-25T15:00:00Z'), 10);
    expect(deadlineDate).toBe('2026-12-10');
    // The end of that day in New York (EST, UTC-5).
    expect(deadlineAt).toBe('2026-12-11T04:59:59.999Z');
    console.log(`opt-out 2026-11-25 (day before Thanksgiving) → deadline ${deadlineDate} (${deadlineAt})`);
  });

  it('[PP-21] counts an observed holiday: Independence Day 2026 falls on a Saturday and is observed Friday 3 July', () => {
    expect(isUsBusinessDay('2026-07-03')).toBe(false);
    expect(addUsBusinessDays('2026-07-01', 10)).toBe('2026-07-16');
    // Summer time: the end of the day is 04:00 UTC the next day.
    expect(businessDayDeadline(new Date('2026-07-01T15:00:00Z'), 10).deadlineAt).toBe(
      '2026-07-17T03:59:59.999Z',
    );
  });

  it('[PP-21] crosses the year with Christmas and New Year observed on Fridays (2027)', () => {
    // 25 Dec 2027 and 1 Jan 2028 are Saturdays: observed Fri 24 Dec and Fri 31 Dec.
    expect(isUsBusinessDay('2027-12-24')).toBe(false);
    expect(isUsBusinessDay('2027-12-31')).toBe(false);
    expect(addUsBusinessDays('2027-12-22', 10)).toBe('2028-01-07');
  });

  it('skips weekends only when no holiday is near', () => {
    expect(addUsBusinessDays('2026-03-06', 1)).toBe('2026-03-09');
    expect(addUsBusinessDays('2026-03-02', 10)).toBe('2026-03-16');
    expect(isUsBusinessDay('2026-03-07')).toBe(false);
    expect(isUsBusinessDay('2026-03-09')).toBe(true);
  });

  it('takes the calendar date in New York: late evening there is already the next day in UTC', () => {
    expect(businessDateOf(new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
    expect(businessDayDeadline(new Date('2026-11-26T03:00:00Z'), 10).deadlineDate).toBe('2026-12-10');
  });
});
