import { describe, expect, it } from 'vitest';
import { isoWeek, monthPeriod, previousPeriod, rateComparison, weekKeyOf } from './bulletin.period.js';

describe('bulletin periods', () => {
  it.each([
    ['2026-W01', '2025-12-29', '2026-01-04'],
    ['2026-W23', '2026-06-01', '2026-06-07'],
    ['2026-W53', '2026-12-28', '2027-01-03'],
    ['2021-W01', '2021-01-04', '2021-01-10'],
  ])('ISO week %s runs %s to %s', (key, from, to) => {
    expect(isoWeek(key)).toEqual({ kind: 'week', key, from, to });
    expect(weekKeyOf(from)).toBe(key);
    expect(weekKeyOf(to)).toBe(key);
  });

  it('rejects a week that does not exist', () => {
    expect(() => isoWeek('2025-W53')).toThrow(/YYYY-Www/);
    expect(() => isoWeek('2026-23')).toThrow(/YYYY-Www/);
  });

  it('steps back one period', () => {
    expect(previousPeriod(isoWeek('2026-W01'))).toEqual({
      kind: 'week',
      key: '2025-W52',
      from: '2025-12-22',
      to: '2025-12-28',
    });
    expect(previousPeriod(monthPeriod('2026-01'))).toEqual({
      kind: 'month',
      key: '2025-12',
      from: '2025-12-01',
      to: '2025-12-31',
    });
  });
});

describe('like-for-like rate comparison', () => {
  it('first week of a collection month: the previous bill month at the same day of its collection month', () => {
    // W44 ends on 2026-11-01 (day 1 of October's collection month); W43 ended in October
    expect(rateComparison(isoWeek('2026-W44'))).toEqual({
      current: { bill_month: '2026-10', cutoff: '2026-11-01' },
      previous: { bill_month: '2026-09', cutoff: '2026-10-01' },
      rule: 'previous_bill_month',
    });
  });
  it('later weeks: the same bill month at the end of the previous week', () => {
    expect(rateComparison(isoWeek('2026-W45'))).toEqual({
      current: { bill_month: '2026-10', cutoff: '2026-11-08' },
      previous: { bill_month: '2026-10', cutoff: '2026-11-01' },
      rule: 'same_bill_month',
    });
  });
  it('a month bulletin compares final rates of consecutive bill months', () => {
    expect(rateComparison(monthPeriod('2026-03'))).toEqual({
      current: { bill_month: '2026-02', cutoff: '2026-03-31' },
      previous: { bill_month: '2026-01', cutoff: '2026-02-28' },
      rule: 'previous_bill_month',
    });
  });
});
