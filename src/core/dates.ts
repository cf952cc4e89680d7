/**
 * Local dates (Asia/Shanghai) as ISO strings 'YYYY-MM-DD' and months as 'YYYY-MM'. All arithmetic is
 * done on the calendar (UTC-based Date math), so no host time zone ever leaks in.
 */
export type IsoDate = string;
export type IsoMonth = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const daysInMonth = (y: number, m: number): number =>
  [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? NaN;

export const daysInYear = (y: number): number => (isLeapYear(y) ? 366 : 365);

export function isValidDate(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function splitDate(d: IsoDate): [number, number, number] {
  const m = DATE_RE.exec(d);
  if (!m) throw new RangeError(`not an ISO date: ${d}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function splitMonth(m: IsoMonth): [number, number] {
  const r = MONTH_RE.exec(m);
  if (!r) throw new RangeError(`not a month: ${m}`);
  return [Number(r[1]), Number(r[2])];
}

export const isIsoDate = (s: string): boolean => {
  const m = DATE_RE.exec(s);
  return !!m && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
};

export const isIsoMonth = (s: string): boolean => {
  const m = MONTH_RE.exec(s);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[1]) >= 1900;
};

export const fmtDate = (y: number, m: number, d: number): IsoDate =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export const fmtMonth = (y: number, m: number): IsoMonth => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;

export function addDays(d: IsoDate, n: number): IsoDate {
  const [y, m, day] = splitDate(d);
  const t = new Date(Date.UTC(y, m - 1, day + n));
  return fmtDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function addMonths(month: IsoMonth, k: number): IsoMonth {
  const [y, m] = splitMonth(month);
  const idx = y * 12 + (m - 1) + k;
  return fmtMonth(Math.floor(idx / 12), (idx % 12) + 1);
}

export const monthOf = (d: IsoDate): IsoMonth => d.slice(0, 7);
export const firstDay = (m: IsoMonth): IsoDate => `${m}-01`;
export function endOfMonth(m: IsoMonth): IsoDate {
  const [y, mm] = splitMonth(m);
  return fmtDate(y, mm, daysInMonth(y, mm));
}

/** Months difference a − b. */
export function monthDiff(a: IsoMonth, b: IsoMonth): number {
  const [ya, ma] = splitMonth(a);
  const [yb, mb] = splitMonth(b);
  return (ya - yb) * 12 + (ma - mb);
}

/** Every month from a to b inclusive. */
export function monthsBetween(a: IsoMonth, b: IsoMonth): IsoMonth[] {
  const out: IsoMonth[] = [];
  for (let m = a; monthDiff(b, m) >= 0; m = addMonths(m, 1)) out.push(m);
  return out;
}

export function dayOfYear(d: IsoDate): number {
  const [y, m, day] = splitDate(d);
  return (Date.UTC(y, m - 1, day) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
}

/** Today's date in Asia/Shanghai (UTC+8, no DST). */
export function todayShanghai(now: Date = new Date()): IsoDate {
  const t = new Date(now.getTime() + 8 * 3_600_000);
  return fmtDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a < b ? a : b);
export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);
