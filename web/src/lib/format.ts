/**
 * Every number and date the UI shows goes through here, so money is always ¥1,234.50 from integer fen,
 * rates are always 98.12 % and an undefined rate is always "—".
 */

export const DASH = '—';

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Integer fen → "¥1,234.50" / "-¥1,234.50"; integer arithmetic so no float rounding creeps in. */
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return DASH;
  const negative = fen < 0;
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}¥${groupThousands(String(yuan))}.${String(cents).padStart(2, '0')}`;
}

/** Compact money for chart axes: "¥12.3万" in Chinese, "¥123.4k" in English. */
export function formatMoneyShort(fen: number, lang: string): string {
  const yuan = fen / 100;
  if (lang.startsWith('zh')) {
    if (Math.abs(yuan) >= 1e8) return `¥${(yuan / 1e8).toFixed(2)}亿`;
    if (Math.abs(yuan) >= 1e4) return `¥${(yuan / 1e4).toFixed(1)}万`;
    return `¥${yuan.toFixed(0)}`;
  }
  if (Math.abs(yuan) >= 1e6) return `¥${(yuan / 1e6).toFixed(2)}M`;
  if (Math.abs(yuan) >= 1e3) return `¥${(yuan / 1e3).toFixed(1)}k`;
  return `¥${yuan.toFixed(0)}`;
}

/** A fraction (0.9812) → "98.12%"; null (zero denominator) → "—". */
export function formatRate(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const negative = value < 0;
  const [int = '0', frac] = String(Math.abs(value)).split('.');
  return `${negative ? '-' : ''}${groupThousands(int)}${frac ? `.${frac}` : ''}`;
}

export type MetricUnit = 'count' | 'fen' | 'rate';

export function formatValue(value: number | null | undefined, unit: MetricUnit): string {
  switch (unit) {
    case 'fen':
      return formatMoney(value);
    case 'rate':
      return formatRate(value);
    case 'count':
      return formatCount(value);
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A timestamp as its Asia/Shanghai wall-clock parts (UTC+8, no DST), whatever the browser's zone. */
function shanghaiParts(value: string): Date | null {
  const d = new Date(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  if (Number.isNaN(d.getTime())) return null;
  return new Date(d.getTime() + 8 * 3_600_000);
}

/** "2026-06-30" stays as is; a timestamp (ISO or "2026-06-30 23:30:00+08") → its Shanghai date. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return DASH;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = shanghaiParts(value);
  if (!d) return value;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A timestamp → "2026-06-30 23:30" in Shanghai time (the branch's business time). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return DASH;
  const d = shanghaiParts(value);
  if (!d) return value;
  return `${formatDate(value)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Month arithmetic on "YYYY-MM" strings (local, no time zone involved). */
export function addMonths(month: string, k: number): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + k;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

export function monthStart(month: string): string {
  return `${month}-01`;
}

export function monthEnd(month: string): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${pad(last)}`;
}

export function currentMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}
