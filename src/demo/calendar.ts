/**
 * Day numbers (days since 1970-01-01 on the calendar, no time zone) and the contract's text formats.
 * The generator works in integers and formats only when it writes a row.
 */
import { addMonths, fmtDate, monthOf, splitDate, type IsoDate, type IsoMonth } from '../core/dates.js';

export const SECONDS_PER_DAY = 86_400;

export const dayNumber = (d: IsoDate): number => {
  const [y, m, day] = splitDate(d);
  return Date.UTC(y, m - 1, day) / 86_400_000;
};

export const dateOfDay = (n: number): IsoDate => {
  const t = new Date(n * 86_400_000);
  return fmtDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
};

/** The day n + 12 months − 1 day (end of an annual term that starts on day n). */
export const termEnd = (start: number, months: number): number => {
  const t = new Date(start * 86_400_000);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + months, t.getUTCDate()) / 86_400_000 - 1;
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Month k of the window (k = 0 is the first of the 24 full months; k may be negative or past the
 * window) with its first day, and cached day/time strings for the days that events fall on.
 */
export class Calendar {
  readonly firstMonth: IsoMonth;
  readonly asOfDay: number;
  private readonly firstMonthIndex: number;
  private readonly months = new Map<number, IsoMonth>();
  private readonly dayCache = new Map<number, string>();
  private timeCache: string[] | null = null;

  constructor(
    readonly asOf: IsoDate,
    readonly fullMonths: number,
  ) {
    this.firstMonth = addMonths(monthOf(asOf), -fullMonths);
    this.asOfDay = dayNumber(asOf);
    const [y, m] = this.firstMonth.split('-').map(Number) as [number, number];
    this.firstMonthIndex = y * 12 + m - 1;
  }

  month(k: number): IsoMonth {
    let s = this.months.get(k);
    if (s === undefined) {
      s = addMonths(this.firstMonth, k);
      this.months.set(k, s);
    }
    return s;
  }

  monthStart(k: number): number {
    return dayNumber(`${this.month(k)}-01`);
  }

  /** Month index of a day number. */
  monthIndexOf(day: number): number {
    const t = new Date(day * 86_400_000);
    return t.getUTCFullYear() * 12 + t.getUTCMonth() - this.firstMonthIndex;
  }

  date(day: number): string {
    let s = this.dayCache.get(day);
    if (s === undefined) {
      s = dateOfDay(day);
      if (this.dayCache.size < 20_000) this.dayCache.set(day, s);
    }
    return s;
  }

  time(sec: number): string {
    this.timeCache ??= Array.from(
      { length: SECONDS_PER_DAY },
      (_, x) => `${pad2(Math.floor(x / 3600))}:${pad2(Math.floor(x / 60) % 60)}:${pad2(x % 60)}`,
    );
    return this.timeCache[sec] ?? '00:00:00';
  }

  /** 'YYYY-MM-DD HH:mm:ss' for an absolute second count t = day·86400 + second of day. */
  stamp(t: number): string {
    const day = Math.floor(t / SECONDS_PER_DAY);
    return `${this.date(day)} ${this.time(t - day * SECONDS_PER_DAY)}`;
  }
}
