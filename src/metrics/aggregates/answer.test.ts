import { describe, expect, it } from 'vitest';
import { splitPeriod } from './answer.js';

describe('splitPeriod', () => {
  it('reads whole months from the rollup and the days around them from the day table', () => {
    expect(splitPeriod('2025-10-01', '2025-10-31')).toEqual({
      months: ['2025-10-01', '2025-10-01'],
      days: [],
    });
    expect(splitPeriod('2025-01-01', '2025-04-30')).toEqual({
      months: ['2025-01-01', '2025-04-01'],
      days: [],
    });
    expect(splitPeriod('2025-01-07', '2025-03-19')).toEqual({
      months: ['2025-02-01', '2025-02-01'],
      days: [
        ['2025-01-07', '2025-01-31'],
        ['2025-03-01', '2025-03-19'],
      ],
    });
    // a partial month only before, only after
    expect(splitPeriod('2024-12-15', '2025-02-28')).toEqual({
      months: ['2025-01-01', '2025-02-01'],
      days: [['2024-12-15', '2024-12-31']],
    });
    expect(splitPeriod('2025-02-01', '2025-04-12')).toEqual({
      months: ['2025-02-01', '2025-03-01'],
      days: [['2025-04-01', '2025-04-12']],
    });
  });

  it('leaves a period without a whole month to the days, leap days included', () => {
    expect(splitPeriod('2025-02-03', '2025-02-20')).toEqual({
      months: null,
      days: [['2025-02-03', '2025-02-20']],
    });
    expect(splitPeriod('2025-01-31', '2025-03-01')).toEqual({
      months: ['2025-02-01', '2025-02-01'],
      days: [
        ['2025-01-31', '2025-01-31'],
        ['2025-03-01', '2025-03-01'],
      ],
    });
    // 2024-02 has 29 days: the 28th is not its end
    expect(splitPeriod('2024-02-01', '2024-02-28')).toEqual({
      months: null,
      days: [['2024-02-01', '2024-02-28']],
    });
    expect(splitPeriod('2024-02-01', '2024-02-29')).toEqual({
      months: ['2024-02-01', '2024-02-01'],
      days: [],
    });
    // one day; the last day of one month to the first of the next
    expect(splitPeriod('2025-06-15', '2025-06-15')).toEqual({
      months: null,
      days: [['2025-06-15', '2025-06-15']],
    });
    expect(splitPeriod('2025-06-30', '2025-07-01')).toEqual({
      months: null,
      days: [['2025-06-30', '2025-07-01']],
    });
  });
});
