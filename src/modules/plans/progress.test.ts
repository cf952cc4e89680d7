import { describe, expect, it, test } from 'vitest';
import {
  dateUsedFor,
  forecastRow,
  planToDate,
  progressRows,
  thresholdFraction,
  timeProgress,
  trafficLight,
} from './progress.js';

const months = (first: number, rest = 0) => [
  BigInt(first),
  ...Array.from({ length: 11 }, () => BigInt(rest)),
];
const flat = (v: number) => Array.from({ length: 12 }, () => BigInt(v));

describe('revenue month-end shift', () => {
  test.each([
    { metric: 'revenue', at: '2026-03-15', want: '2026-02-28' },
    { metric: 'revenue', at: '2026-03-31', want: '2026-03-31' },
    { metric: 'revenue', at: '2024-03-10', want: '2024-02-29' }, // leap year
    { metric: 'revenue', at: '2026-01-15', want: '2025-12-31' }, // January: before the year
    { metric: 'revenue', at: '2026-01-31', want: '2026-01-31' },
    { metric: 'new_installs', at: '2026-03-15', want: '2026-03-15' },
    { metric: 'net_adds', at: '2026-01-01', want: '2026-01-01' },
  ] as const)('$metric at $at → $want', ({ metric, at, want }) => {
    expect(dateUsedFor(metric, at)).toBe(want);
  });
});

describe('plan_to_date', () => {
  test.each([
    // 200 + 100 × 15/31 = 248.39 → 248
    { ms: flat(100), d: '2026-03-15', want: 248 },
    // 100 + 100 × 14/28 = 150 exactly
    { ms: flat(100), d: '2026-02-14', want: 150 },
    // 1 × 16/31 = 0.516 → 1; 1 × 15/31 = 0.484 → 0
    { ms: months(1), d: '2026-01-16', want: 1 },
    { ms: months(1), d: '2026-01-15', want: 0 },
    // exactly half rounds up: February 2026 has 28 days, 1 × 14/28 = 0.5 → 1
    { ms: [0n, 1n, ...flat(0).slice(2)], d: '2026-02-14', want: 1 },
    // half up is floor(x + ½): −0.5 → 0, −0.52 → −1
    { ms: [0n, -1n, ...flat(0).slice(2)], d: '2026-02-14', want: 0 },
    { ms: [0n, -25n, ...flat(0).slice(2)], d: '2026-02-15', want: -13 },
    // leap year: February 2024 has 29 days, 29 × 15/29 = 15
    { ms: [10n, 29n, ...flat(0).slice(2)], d: '2024-02-15', want: 25 },
    // before the year (January revenue shifted to Dec 31): 0
    { ms: flat(100), d: '2025-12-31', want: 0 },
    { ms: flat(100), d: '2026-12-31', want: 1200 },
  ])('$d → $want', ({ ms, d, want }) => {
    const year = Number(d.slice(0, 4)) === 2025 ? 2026 : Number(d.slice(0, 4));
    expect(Number(planToDate(year, ms, d))).toBe(want);
  });
});

describe('time_progress', () => {
  test.each([
    { year: 2026, d: '2026-03-01', want: { value: 0.1644, numerator: 60, denominator: 365 } },
    { year: 2024, d: '2024-03-01', want: { value: 0.1667, numerator: 61, denominator: 366 } },
    { year: 2024, d: '2024-12-31', want: { value: 1, numerator: 366, denominator: 366 } },
    { year: 2026, d: '2025-12-31', want: { value: 0, numerator: 0, denominator: 365 } },
  ])('$d of $year', ({ year, d, want }) => {
    expect(timeProgress(year, d)).toEqual(want);
  });
});

describe('progress rows and ranking', () => {
  it('ranks by attainment desc, ties by higher actual then county code, null last', () => {
    // at 2026-01-31 plan_to_date is the January value
    const rows = progressRows(2026, '2026-01-31', [
      { county: 'C01', annual: 1200n, months: months(100, 100), actualYtd: 90n }, // 0.9
      { county: 'C02', annual: 600n, months: months(50, 50), actualYtd: 45n }, // 0.9, lower actual
      { county: 'C03', annual: 1200n, months: months(100, 100), actualYtd: 120n }, // 1.2
      { county: 'C04', annual: 0n, months: flat(0), actualYtd: 7n }, // no plan: null
      { county: 'C05', annual: 120n, months: months(10, 10), actualYtd: 0n }, // 0
      { county: 'C06', annual: 0n, months: flat(0), actualYtd: 3n }, // null, lower actual
    ]);
    expect(rows.map((r) => [r.county, r.rank, r.schedule_attainment.value, r.light])).toEqual([
      ['C01', 2, 0.9, 'red'],
      ['C02', 3, 0.9, 'red'],
      ['C03', 1, 1.2, 'green'],
      ['C04', 5, null, null],
      ['C05', 4, 0, 'red'],
      ['C06', 6, null, null],
    ]);
    expect(rows[0]).toEqual({
      county: 'C01',
      annual: 1200,
      plan_to_date: 100,
      actual_ytd: 90,
      gap_to_schedule: -10,
      completion_rate: { value: 0.075, numerator: 90, denominator: 1200 },
      time_progress: { value: 0.0849, numerator: 31, denominator: 365 },
      schedule_attainment: { value: 0.9, numerator: 90, denominator: 100 },
      rank: 2,
      light: 'red',
    });
  });
  it('compares attainment exactly, not by its rounded value', () => {
    // 99995/100000 shows as 1.0000 but is below 100/100
    const rows = progressRows(2026, '2026-01-31', [
      { county: 'C01', annual: 100000n, months: months(100000), actualYtd: 99995n },
      { county: 'C02', annual: 100n, months: months(100), actualYtd: 100n },
    ]);
    expect(rows.map((r) => [r.county, r.rank, r.schedule_attainment.value, r.light])).toEqual([
      ['C01', 2, 1, 'amber'],
      ['C02', 1, 1, 'green'],
    ]);
  });
  it('January revenue: plan_to_date, actual_ytd and time_progress 0, attainment null', () => {
    const at = dateUsedFor('revenue', '2026-01-20');
    const rows = progressRows(2026, at, [
      { county: 'C01', annual: 120000n, months: flat(10000), actualYtd: 0n },
      { county: 'C02', annual: 240000n, months: flat(20000), actualYtd: 0n },
    ]);
    expect(rows[1]).toEqual({
      county: 'C02',
      annual: 240000,
      plan_to_date: 0,
      actual_ytd: 0,
      gap_to_schedule: 0,
      completion_rate: { value: 0, numerator: 0, denominator: 240000 },
      time_progress: { value: 0, numerator: 0, denominator: 365 },
      schedule_attainment: { value: null, numerator: 0, denominator: 0 },
      rank: 2,
      light: null,
    });
  });
  it('traffic light thresholds', () => {
    expect(trafficLight(100n, 100n)).toBe('green');
    expect(trafficLight(95n, 100n)).toBe('amber');
    expect(trafficLight(94n, 100n)).toBe('red');
    const strict = { green: thresholdFraction('1.05'), amber: thresholdFraction(0.9) };
    expect(strict).toEqual({ green: [105n, 100n], amber: [9n, 10n] });
    expect(trafficLight(100n, 100n, strict)).toBe('amber');
    expect(trafficLight(89n, 100n, strict)).toBe('red');
  });
});

describe('forecast', () => {
  it('projects by attainment and by last year seasonality, with the needed run rate', () => {
    const f = forecastRow(2026, '2026-06-30', {
      county: 'C01',
      annual: 1200n,
      months: flat(100),
      actualYtd: 540n,
      lastYearMonths: [...Array(6).fill(50n), ...Array(6).fill(150n)],
    });
    // ptd 600, attainment 0.9 → 540 + 600 × 0.9 = 1080; run rate 540 × 1200 / 300 = 2160; (1200 − 540) / 6 = 110
    expect(f).toEqual({
      county: 'C01',
      annual: 1200,
      actual_ytd: 540,
      plan_to_date: 600,
      by_attainment: 1080,
      by_run_rate: 2160,
      gap_by_attainment: -120,
      gap_by_run_rate: 960,
      remaining_months: 6,
      needed_monthly: 110,
    });
  });
  it('mid-month: the current month still counts as remaining', () => {
    const f = forecastRow(2026, '2026-06-15', {
      county: 'C01',
      annual: 1200n,
      months: flat(100),
      actualYtd: 500n,
    });
    // ptd 500 + 100 × 15/30 = 550; 500 + 650 × 500/550 = 1090.9 → 1091; (1200 − 500)/7 = 100
    expect([f.plan_to_date, f.by_attainment, f.by_run_rate, f.remaining_months, f.needed_monthly]).toEqual([
      550,
      1091,
      null,
      7,
      100,
    ]);
  });
});
