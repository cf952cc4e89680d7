import { addDays, addMonths, endOfMonth, firstDay, fmtDate, isIsoMonth } from '../../core/dates.js';
import { ValidationError } from '../../core/errors.js';

/** Bulletin periods: ISO weeks 'YYYY-Www' (Monday to Sunday) and months 'YYYY-MM'. */
export type PeriodKind = 'week' | 'month';
export type Period = { kind: PeriodKind; key: string; from: string; to: string };

/** Monday of ISO week 1 is the Monday of the week holding January 4. */
export function isoWeek(key: string): Period {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  const year = Number(m?.[1] ?? 0);
  const week = Number(m?.[2] ?? 0);
  if (!m || year < 1900 || week < 1 || week > isoWeeksInYear(year)) {
    throw new ValidationError(
      `周格式应为 YYYY-Www（如 2026-W23）：${key}`,
      `week must be YYYY-Www (e.g. 2026-W23): ${key}`,
      {
        field: 'week',
        value: key,
      },
    );
  }
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday1 = addDays(fmtDate(year, 1, 4), -((jan4.getUTCDay() + 6) % 7));
  const from = addDays(monday1, (week - 1) * 7);
  return { kind: 'week', key, from, to: addDays(from, 6) };
}

/** A year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday. */
function isoWeeksInYear(y: number): number {
  const dow = (d: Date) => d.getUTCDay();
  const jan1 = dow(new Date(Date.UTC(y, 0, 1)));
  const dec31 = dow(new Date(Date.UTC(y, 11, 31)));
  return jan1 === 4 || dec31 === 4 ? 53 : 52;
}

export function monthPeriod(key: string): Period {
  if (!isIsoMonth(key)) {
    throw new ValidationError(`月份格式应为 YYYY-MM：${key}`, `month must be YYYY-MM: ${key}`, {
      field: 'month',
      value: key,
    });
  }
  return { kind: 'month', key, from: firstDay(key), to: endOfMonth(key) };
}

export const periodOf = (kind: PeriodKind, key: string): Period =>
  kind === 'week' ? isoWeek(key) : monthPeriod(key);

export function previousPeriod(p: Period): Period {
  if (p.kind === 'month') return monthPeriod(addMonths(p.key, -1));
  const from = addDays(p.from, -7);
  const to = addDays(p.to, -7);
  return { kind: 'week', key: weekKeyOf(from), from, to };
}

/** The ISO week key of a date. */
export function weekKeyOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * 86_400_000);
  const y = thursday.getUTCFullYear();
  const jan1 = Date.UTC(y, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${y}-W${String(week).padStart(2, '0')}`;
}

/** Where a bulletin reads a collection rate: bill month `bill_month` at cutoff date `cutoff`. */
export type RatePoint = { bill_month: string; cutoff: string };
export type Comparison = {
  current: RatePoint;
  previous: RatePoint;
  /**
   * same_bill_month: the previous period ended inside the current bill month's collection month, so
   * the change is that bill month's progress over the period. previous_bill_month: the previous bill
   * month at the same day of its own collection month (its final rate for a month bulletin).
   */
  rule: 'same_bill_month' | 'previous_bill_month';
};

/**
 * The like-for-like comparison of a bulletin's collection rate. The rate of a period is that of bill
 * month m = (month of the period's last day) − 1, read at the period's last day, i.e. on day k of
 * m's collection month m+1. Comparing it with the previous period's own figure mixes bill months
 * whenever a week starts a new collection month (day 1 of October's bill vs the nearly final rate of
 * September's: ≈ −90 pp). So:
 * - week whose previous week also ends in month m+1: bill month m at the previous week's last day;
 * - otherwise (first week of a collection month, and every month bulletin): bill month m−1 at day k
 *   of month m (capped at the end of month m, so a month bulletin compares final rates).
 */
export function rateComparison(p: Period): Comparison {
  const collectionMonth = p.to.slice(0, 7);
  const billMonth = addMonths(collectionMonth, -1);
  const current = { bill_month: billMonth, cutoff: p.to };
  if (p.kind === 'week') {
    const prevTo = addDays(p.to, -7);
    if (prevTo.slice(0, 7) === collectionMonth) {
      return { current, previous: { bill_month: billMonth, cutoff: prevTo }, rule: 'same_bill_month' };
    }
  }
  const day = Number(p.to.slice(8, 10));
  const prevEnd = endOfMonth(billMonth);
  const sameDay = addDays(endOfMonth(addMonths(billMonth, -1)), day);
  const cutoff = p.kind === 'month' || sameDay > prevEnd ? prevEnd : sameDay;
  return {
    current,
    previous: { bill_month: addMonths(billMonth, -1), cutoff },
    rule: 'previous_bill_month',
  };
}
