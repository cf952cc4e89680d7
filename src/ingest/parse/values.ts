import { fmtDate, isValidDate } from '../../core/dates.js';
import { parseMoney } from '../../core/money.js';
import type { ColumnDef } from '../../datasets/types.js';
import { CellError, type Cell } from '../read/types.js';

/** A parsed cell: the DB-ready value, or the reason in both languages. */
export type ValueResult = { ok: true; value: unknown } | { ok: false; zh: string; en: string };

export type CellParser = (cell: Cell) => ValueResult;

export type ParseOptions = { date1904?: boolean };

export const MAX_TEXT = 4000;
/** int4 columns (term_months, quantity) bound every integer column; counts beyond 2^31 are not credible here. */
const MAX_INT = 2_147_483_647;

const ok = (value: unknown): ValueResult => ({ ok: true, value });
const fail = (zh: string, en: string): ValueResult => ({ ok: false, zh, en });

/** A cell with nothing in it (null, or only whitespace). */
export const isEmptyCell = (c: Cell): boolean => {
  if (typeof c !== 'string') return c === null;
  const ch = c.charCodeAt(0);
  // fast path: starts with a printable ASCII character
  return !(ch > 32 && ch < 127) && c.trim() === '';
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Round a Date (wall clock in UTC fields) to the nearest second. */
const roundToSecond = (d: Date): Date => new Date(Math.round(d.getTime() / 1000) * 1000);

/** The cell as text, as a user would see it (for reject files and messages). */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return String(c);
  if (typeof c === 'boolean') return c ? 'TRUE' : 'FALSE';
  if (c instanceof CellError) return c.code;
  const d = roundToSecond(c);
  const date = fmtDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  if (d.getTime() % 86_400_000 === 0) return date;
  return `${date} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);

/** An Excel serial number (days since the epoch, fraction = time of day) as a wall-clock Date. */
export function excelSerialToDate(serial: number, date1904 = false): Date {
  const base = date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900;
  return new Date(base + Math.round(serial * 86_400) * 1000);
}

type Ymd = [number, number, number];
type Hms = [number, number, number];

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `s` starts with a valid canonical date `YYYY-MM-DD` (what most extracts write): no regex, no reformatting. */
function isoDateAt0(s: string): boolean {
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  const c = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  return c >= 0 && yy >= 0 && mo >= 0 && d >= 0 && isValidDate(c * 100 + yy, mo, d);
}

/**
 * `s` is a valid `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD H:MM:SS`: the timestamp as stored (`+08` appended),
 * hour padded; null for any other form (the general path decides).
 */
function isoTimestamp(s: string): string | null {
  const short = s.length === 18 ? 1 : 0; // one-digit hour
  if (s.length !== 19 - short || s.charCodeAt(10) !== 0x20) return null;
  if (s.charCodeAt(13 - short) !== 0x3a || s.charCodeAt(16 - short) !== 0x3a) return null;
  const h1 = s.charCodeAt(11) - 48;
  const h = short ? (h1 >= 0 && h1 <= 9 ? h1 : -1) : twoDigits(s, 11);
  const mi = twoDigits(s, 14 - short);
  const se = twoDigits(s, 17 - short);
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59 && isoDateAt0(s))) return null;
  return short ? `${s.slice(0, 11)}0${s.slice(11)}+08` : `${s}+08`;
}

const DATE_SEP_RE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/;
const DATE_COMPACT_RE = /^(\d{4})(\d{2})(\d{2})$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const MONTH_COMPACT_RE = /^(\d{4})(\d{2})$/;
const MONTH_SEP_RE = /^(\d{4})[-/](\d{1,2})$/;

function dateFromText(s: string): Ymd | null {
  const m = DATE_SEP_RE.exec(s) ?? DATE_COMPACT_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m.length === 5 ? m[3] : m[2]);
  const d = Number(m.length === 5 ? m[4] : m[3]);
  return isValidDate(y, mo, d) ? [y, mo, d] : null;
}

function timeFromText(s: string): Hms | null {
  const m = TIME_RE.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const se = m[3] === undefined ? 0 : Number(m[3]);
  return h <= 23 && mi <= 59 && se <= 59 ? [h, mi, se] : null;
}

function fromDate(c: Date): { ymd: Ymd; hms: Hms } | null {
  const d = roundToSecond(c);
  if (Number.isNaN(d.getTime())) return null;
  const ymd: Ymd = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  if (!isValidDate(...ymd)) return null;
  return { ymd, hms: [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] };
}

/**
 * A numeric xlsx cell in a date/timestamp/month column. Spreadsheets turn the text `20260630` (or
 * `202606` for months) into a number; such an integer is read as that text. Anything else is a serial.
 */
function fromNumber(n: number, textDigits: number, date1904: boolean): { ymd: Ymd; hms: Hms } | null {
  if (Number.isInteger(n) && String(n).length === textDigits) return null;
  if (!(n > 0)) return null;
  return fromDate(excelSerialToDate(n, date1904));
}

const DATE_ERR = fail(
  '不是有效的日期（如 2026-06-30、2026/6/30、20260630）',
  'not a valid date (e.g. 2026-06-30, 2026/6/30, 20260630)',
);
const TS_ERR = fail(
  '不是有效的时间（如 2026-06-30 9:05 或 2026-06-30 09:05:00）',
  'not a valid timestamp (e.g. 2026-06-30 9:05 or 2026-06-30 09:05:00)',
);
const MONTH_ERR = fail(
  '不是有效的月份（如 202606、2026-06、2026/6）',
  'not a valid month (e.g. 202606, 2026-06, 2026/6)',
);
const INT_ERR = fail('不是有效的整数', 'not a valid integer');
const BOOL_ERR = fail(
  '不是有效的是否值（是/否、Y/N、1/0、true/false）',
  'not a valid yes/no value (是/否, Y/N, 1/0, true/false)',
);
const TOO_LONG = fail(`文本超过 ${MAX_TEXT} 个字符`, `longer than ${MAX_TEXT} characters`);
const ROUNDED_NUMBER = fail(
  '数字超过 15 位有效数字，已被电子表格四舍五入；请把该列设置为文本格式后重新导出',
  'a number with more than 15 significant digits has already been rounded by the spreadsheet; format the column as text and export again',
);

function parseText(c: Cell): ValueResult {
  let s: string;
  if (typeof c === 'number') {
    // Excel keeps 15 significant digits: a larger integer (an 18-digit ID number) is already rounded.
    if (Number.isInteger(c) && Math.abs(c) >= 1e15) return ROUNDED_NUMBER;
    s = String(c);
  } else {
    s = cellText(c).trim();
  }
  if (s.length > MAX_TEXT && [...s].length > MAX_TEXT) return TOO_LONG;
  return ok(s);
}

function minCheck(n: number, min: ColumnDef['min']): ValueResult {
  if (min === 'ge0' && n < 0) return fail('不能为负数', 'must not be negative');
  if (min === 'gt0' && n <= 0) return fail('必须大于零', 'must be greater than zero');
  return ok(n);
}

const NOT_PLAIN = -0.5;

/**
 * Plain amounts (`-1234.5`: optional minus, 1–13 digits, optional 1–2 decimals) small enough for exact
 * Number arithmetic, as fen by a character scan; NOT_PLAIN for anything else (parseMoney's general path).
 */
function plainFen(s: string): number {
  const n = s.length;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  const neg = i === 1;
  let yuan = 0;
  const start = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    yuan = yuan * 10 + c;
  }
  const intDigits = i - start;
  if (intDigits < 1 || intDigits > 13) return NOT_PLAIN;
  let fen = yuan * 100;
  if (i < n) {
    if (s.charCodeAt(i) !== 0x2e || n - i - 1 < 1 || n - i - 1 > 2) return NOT_PLAIN;
    const a = s.charCodeAt(i + 1) - 48;
    if (a < 0 || a > 9) return NOT_PLAIN;
    fen += a * 10;
    if (n - i - 1 === 2) {
      const b = s.charCodeAt(i + 2) - 48;
      if (b < 0 || b > 9) return NOT_PLAIN;
      fen += b;
    }
  }
  return neg && fen !== 0 ? -fen : fen;
}

function parseMoneyCell(c: Cell, min: ColumnDef['min']): ValueResult {
  // A numeric cell is read as the shortest decimal that round-trips (String(85.93) === '85.93').
  const text = typeof c === 'number' ? String(c) : typeof c === 'string' ? c : null;
  if (text === null) return fail('不是有效的金额', 'not a valid amount');
  const fen = plainFen(text);
  if (fen !== NOT_PLAIN) return minCheck(fen, min);
  const r = parseMoney(text);
  if (!r.ok) return fail(r.zh, r.en);
  return minCheck(r.fen === 0 ? 0 : r.fen, min);
}

const INT_TEXT_RE = /^[+-]?\d+$/;

function parseInteger(c: Cell, min: ColumnDef['min']): ValueResult {
  let n: number;
  if (typeof c === 'number') n = c;
  else if (typeof c === 'string' && INT_TEXT_RE.test(c.trim())) n = Number(c.trim());
  else return INT_ERR;
  if (!Number.isInteger(n)) return INT_ERR;
  if (Math.abs(n) > MAX_INT) return fail('整数超出范围', 'integer out of range');
  return minCheck(n === 0 ? 0 : n, min);
}

function parseDate(c: Cell, date1904: boolean): ValueResult {
  let ymd: Ymd | null = null;
  if (typeof c === 'string') {
    const s = c.trim();
    if (s.length === 10 && isoDateAt0(s)) return ok(s);
    ymd = dateFromText(s);
  } else if (c instanceof Date) ymd = fromDate(c)?.ymd ?? null;
  else if (typeof c === 'number') ymd = fromNumber(c, 8, date1904)?.ymd ?? dateFromText(String(c));
  return ymd ? ok(fmtDate(...ymd)) : DATE_ERR;
}

const fmtTimestamp = ([y, mo, d]: Ymd, [h, mi, s]: Hms): string =>
  `${fmtDate(y, mo, d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}+08`;

function parseTimestamp(c: Cell, date1904: boolean): ValueResult {
  if (c instanceof Date) {
    const r = fromDate(c);
    return r ? ok(fmtTimestamp(r.ymd, r.hms)) : TS_ERR;
  }
  if (typeof c === 'number') {
    const r = fromNumber(c, 8, date1904);
    if (r) return ok(fmtTimestamp(r.ymd, r.hms));
    const ymd = dateFromText(String(c));
    return ymd ? ok(fmtTimestamp(ymd, [0, 0, 0])) : TS_ERR;
  }
  if (typeof c !== 'string') return TS_ERR;
  const s = c.trim();
  const iso = isoTimestamp(s);
  if (iso !== null) return ok(iso);
  if (s.length === 10 && isoDateAt0(s)) return ok(`${s} 00:00:00+08`);
  const parts = s.split(/\s+/);
  if (parts.length > 2) return TS_ERR;
  const ymd = dateFromText(parts[0] ?? '');
  const hms: Hms | null = parts[1] === undefined ? [0, 0, 0] : timeFromText(parts[1]);
  return ymd && hms ? ok(fmtTimestamp(ymd, hms)) : TS_ERR;
}

function monthFromText(s: string): string | null {
  if (s.length === 6) {
    // 202606: the common form, without a regex
    const c = twoDigits(s, 0);
    const yy = twoDigits(s, 2);
    const mo = twoDigits(s, 4);
    if (c >= 0 && yy >= 0 && mo >= 0) {
      return isValidDate(c * 100 + yy, mo, 1) ? `${s.slice(0, 4)}-${s.slice(4)}-01` : null;
    }
  }
  const m = MONTH_COMPACT_RE.exec(s) ?? MONTH_SEP_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return isValidDate(y, mo, 1) ? fmtDate(y, mo, 1) : null;
}

function parseMonth(c: Cell, date1904: boolean): ValueResult {
  let month: string | null = null;
  if (typeof c === 'string') month = monthFromText(c.trim());
  else if (c instanceof Date) {
    const r = fromDate(c);
    month = r ? fmtDate(r.ymd[0], r.ymd[1], 1) : null;
  } else if (typeof c === 'number') {
    const r = fromNumber(c, 6, date1904);
    month = r ? fmtDate(r.ymd[0], r.ymd[1], 1) : monthFromText(String(c));
  }
  return month ? ok(month) : MONTH_ERR;
}

const TRUE_WORDS = new Set(['是', 'y', '1', 'true']);
const FALSE_WORDS = new Set(['否', 'n', '0', 'false']);

/** Enum values and booleans compare NFKC-normalised, trimmed and case-insensitive (Ｙ = y). */
const norm = (s: string): string => s.normalize('NFKC').trim().toLowerCase();

function parseBool(c: Cell): ValueResult {
  if (typeof c === 'boolean') return ok(c);
  if (typeof c === 'number') return c === 1 ? ok(true) : c === 0 ? ok(false) : BOOL_ERR;
  if (typeof c !== 'string') return BOOL_ERR;
  const s = norm(c);
  if (TRUE_WORDS.has(s)) return ok(true);
  if (FALSE_WORDS.has(s)) return ok(false);
  return BOOL_ERR;
}

/** A matcher for an enum: English value or Chinese label, any case → the English value. */
export function enumMatcher(values: readonly { value: string; zh: string }[]): CellParser {
  const map = new Map<string, string>();
  for (const v of values) {
    map.set(norm(v.value), v.value);
    map.set(norm(v.zh), v.value);
  }
  const listed = values.map((v) => `${v.zh}/${v.value}`).join('、');
  const err = fail(`不是有效的取值，可选：${listed}`, `not one of the allowed values: ${listed}`);
  return (c) => {
    if (typeof c !== 'string' && typeof c !== 'number') return err;
    const hit = (typeof c === 'string' ? map.get(c) : undefined) ?? map.get(norm(String(c)));
    return hit === undefined ? err : ok(hit);
  };
}

/** The parser of one column's non-empty cells. Empty cells (required / optional) are the row parser's business. */
export function cellParser(col: ColumnDef, opts: ParseOptions = {}): CellParser {
  const parse = typedParser(col, opts);
  return (c) =>
    c instanceof CellError
      ? fail(
          `单元格是公式错误 ${c.code}，请先修正公式`,
          `the cell holds the formula error ${c.code}; fix the formula first`,
        )
      : parse(c);
}

function typedParser(col: ColumnDef, opts: ParseOptions): CellParser {
  const date1904 = opts.date1904 ?? false;
  switch (col.type) {
    case 'code':
    case 'text':
      return parseText;
    case 'money':
      return (c) => parseMoneyCell(c, col.min);
    case 'integer':
      return (c) => parseInteger(c, col.min);
    case 'date':
      return (c) => parseDate(c, date1904);
    case 'timestamp':
      return (c) => parseTimestamp(c, date1904);
    case 'month':
      return (c) => parseMonth(c, date1904);
    case 'bool':
      return parseBool;
    case 'enum':
      return enumMatcher(col.values ?? []);
  }
}
