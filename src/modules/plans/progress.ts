import {
  addDays,
  dayOfYear,
  daysInMonth,
  daysInYear,
  endOfMonth,
  firstDay,
  monthOf,
  splitDate,
  type IsoDate,
} from '../../core/dates.js';
import { divHalfUp, rate, type Rate } from '../../core/rate.js';
import type { PlanMetric } from './plan.types.js';

/**
 * Schedule progress (形象进度) as pure functions: the date actually used, plan_to_date, the rates,
 * the ranking and the traffic light, exactly as metrics.md "Plans and schedule" defines them.
 */

/**
 * Revenue exists per month only: at a date that is not a month end every figure is computed at the
 * end of the previous month (which in January falls before the year).
 */
export function dateUsedFor(metric: PlanMetric, at: IsoDate): IsoDate {
  if (metric !== 'revenue') return at;
  if (at === endOfMonth(monthOf(at))) return at;
  return addDays(firstDay(monthOf(at)), -1);
}

/**
 * Σ month values before d's month + value(d's month) × day(d) / days_in_month(d), half up
 * (floor(x + ½)). A date before the plan year gives 0.
 */
export function planToDate(year: number, months: readonly bigint[], d: IsoDate): bigint {
  const [y, m, day] = splitDate(d);
  if (y < year) return 0n;
  if (y > year) return months.reduce((a, b) => a + b, 0n);
  const before = months.slice(0, m - 1).reduce((a, b) => a + b, 0n);
  const dim = BigInt(daysInMonth(y, m));
  return divHalfUp(before * dim + (months[m - 1] ?? 0n) * BigInt(day), dim);
}

/** day_of_year(d) / days_in_year(d); 0 / days_in_year(year) before the year. */
export function timeProgress(year: number, d: IsoDate): Rate {
  const [y] = splitDate(d);
  if (y < year) return rate(0, daysInYear(year));
  return rate(dayOfYear(d), daysInYear(y));
}

export type ProgressInput = { county: string; annual: bigint; months: readonly bigint[]; actualYtd: bigint };

export type TrafficLight = 'green' | 'amber' | 'red' | null;

export type ProgressRow = {
  county: string;
  annual: number;
  plan_to_date: number;
  actual_ytd: number;
  gap_to_schedule: number;
  completion_rate: Rate;
  time_progress: Rate;
  schedule_attainment: Rate;
  rank: number;
  light: TrafficLight;
};

/** Thresholds as exact fractions (num/den): attainment ≥ green → green, ≥ amber → amber, else red. */
export type LightThresholds = { green: [bigint, bigint]; amber: [bigint, bigint] };
export const DEFAULT_THRESHOLDS: LightThresholds = { green: [1n, 1n], amber: [95n, 100n] };

/** Compare a/b with c/d exactly (b, d ≠ 0): negative, zero or positive like a comparator. */
export function compareFractions(a: bigint, b: bigint, c: bigint, d: bigint): number {
  const [n1, d1] = b < 0n ? [-a, -b] : [a, b];
  const [n2, d2] = d < 0n ? [-c, -d] : [c, d];
  const l = n1 * d2;
  const r = n2 * d1;
  return l === r ? 0 : l < r ? -1 : 1;
}

export function trafficLight(
  actual: bigint,
  planToDate: bigint,
  t: LightThresholds = DEFAULT_THRESHOLDS,
): TrafficLight {
  if (planToDate === 0n) return null;
  if (compareFractions(actual, planToDate, t.green[0], t.green[1]) >= 0) return 'green';
  if (compareFractions(actual, planToDate, t.amber[0], t.amber[1]) >= 0) return 'amber';
  return 'red';
}

/**
 * One row per county, ranked by schedule_attainment descending (compared exactly, not by the rounded
 * value), ties: higher actual_ytd, then lower county_code; null attainment last.
 */
export function progressRows(
  year: number,
  dateUsed: IsoDate,
  input: readonly ProgressInput[],
  thresholds?: LightThresholds,
): ProgressRow[] {
  const tp = timeProgress(year, dateUsed);
  const rows = input.map((c) => {
    const ptd = planToDate(year, c.months, dateUsed);
    return { c, ptd };
  });
  const order = [...rows].sort((x, y) => {
    const xn = x.ptd === 0n;
    const yn = y.ptd === 0n;
    if (xn !== yn) return xn ? 1 : -1;
    if (!xn) {
      const cmp = compareFractions(y.c.actualYtd, y.ptd, x.c.actualYtd, x.ptd);
      if (cmp !== 0) return cmp;
    }
    if (x.c.actualYtd !== y.c.actualYtd) return x.c.actualYtd > y.c.actualYtd ? -1 : 1;
    return x.c.county < y.c.county ? -1 : x.c.county > y.c.county ? 1 : 0;
  });
  const rankOf = new Map(order.map((r, i) => [r.c.county, i + 1]));
  return rows.map(({ c, ptd }) => ({
    county: c.county,
    annual: Number(c.annual),
    plan_to_date: Number(ptd),
    actual_ytd: Number(c.actualYtd),
    gap_to_schedule: Number(c.actualYtd - ptd),
    completion_rate: rate(Number(c.actualYtd), Number(c.annual)),
    time_progress: tp,
    schedule_attainment: rate(Number(c.actualYtd), Number(ptd)),
    rank: rankOf.get(c.county) ?? rows.length,
    light: trafficLight(c.actualYtd, ptd, thresholds),
  }));
}

/** Parse a threshold like 0.95 or "0.95" into an exact fraction. */
export function thresholdFraction(v: string | number): [bigint, bigint] {
  const s = typeof v === 'number' ? String(v) : v.trim();
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) throw new RangeError(`not a threshold: ${v}`);
  const frac = m[2] ?? '';
  return [BigInt(`${m[1]}${frac}`), 10n ** BigInt(frac.length)];
}

/** Cumulative sums of 12 monthly values. */
export const cumulative = (months: readonly bigint[]): bigint[] => {
  let acc = 0n;
  return months.map((v) => (acc += v));
};

/** Months of the year completed at d (d a month end completes its month). */
export function completedMonths(year: number, d: IsoDate): number {
  const [y, m, day] = splitDate(d);
  if (y < year) return 0;
  if (y > year) return 12;
  return day === daysInMonth(y, m) ? m : m - 1;
}

export type Forecast = {
  county: string;
  annual: number;
  actual_ytd: number;
  plan_to_date: number;
  /** actual_ytd + (annual − plan_to_date) × attainment; null while plan_to_date is 0. */
  by_attainment: number | null;
  /** actual_ytd scaled by last year's seasonality: actual × LY_total / LY_to_date; null without it. */
  by_run_rate: number | null;
  gap_by_attainment: number | null;
  gap_by_run_rate: number | null;
  remaining_months: number;
  /** (annual − actual_ytd) per remaining month, half up; null when no month remains. */
  needed_monthly: number | null;
};

const scaleHalfUp = (x: bigint, num: bigint, den: bigint): bigint =>
  den < 0n ? divHalfUp(-x * num, -den) : divHalfUp(x * num, den);

export function forecastRow(
  year: number,
  dateUsed: IsoDate,
  c: ProgressInput & { lastYearMonths?: readonly bigint[] },
): Forecast {
  const ptd = planToDate(year, c.months, dateUsed);
  const byAtt = ptd === 0n ? null : c.actualYtd + scaleHalfUp(c.annual - ptd, c.actualYtd, ptd);
  let byRun: bigint | null = null;
  if (c.lastYearMonths) {
    // last year's cumulative share at the same point of the year (same month and day, clipped)
    const [, m, day] = splitDate(dateUsed);
    const [y] = splitDate(dateUsed);
    const lyTotal = c.lastYearMonths.reduce((a, b) => a + b, 0n);
    if (y === year) {
      const lyDay = Math.min(day, daysInMonth(year - 1, m));
      const lyCum = planToDate(
        year - 1,
        c.lastYearMonths,
        `${String(year - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(lyDay).padStart(2, '0')}`,
      );
      byRun = lyCum === 0n ? null : scaleHalfUp(c.actualYtd, lyTotal, lyCum);
    }
  }
  const remaining = 12 - completedMonths(year, dateUsed);
  return {
    county: c.county,
    annual: Number(c.annual),
    actual_ytd: Number(c.actualYtd),
    plan_to_date: Number(ptd),
    by_attainment: byAtt === null ? null : Number(byAtt),
    by_run_rate: byRun === null ? null : Number(byRun),
    gap_by_attainment: byAtt === null ? null : Number(byAtt - c.annual),
    gap_by_run_rate: byRun === null ? null : Number(byRun - c.annual),
    remaining_months: remaining,
    needed_monthly: remaining === 0 ? null : Number(divHalfUp(c.annual - c.actualYtd, BigInt(remaining))),
  };
}
