import { describe, expect, it } from 'vitest';
import { isoWeek, monthPeriod, previousPeriod, weekKeyOf } from './bulletin.period.js';

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
