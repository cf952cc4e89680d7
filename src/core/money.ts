/**
 * Money is integer fen (1 yuan = 100 fen) end to end. Fen amounts are JS numbers that are always
 * safe integers (|x| < 2^53 fen ≈ 90 trillion yuan), never fractions.
 */
export type Fen = number;

export type MoneyParseResult = { ok: true; fen: Fen } | { ok: false; zh: string; en: string };

const MONEY_RE = /^([+-]?)([¥￥]?)([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/**
 * Parse a yuan amount as the data contract allows: optional sign, optional ¥/￥ before or after the
 * sign, thousands commas grouping exactly three digits, at most two decimals.
 */
export function parseMoney(input: string): MoneyParseResult {
  const s = input.trim();
  const m = MONEY_RE.exec(s);
  if (!m) return bad();
  const [, sign1 = '', cur = '', sign2 = '', intPart, frac] = m;
  if (sign1 && sign2) return bad();
  if (sign2 && !cur) return bad();
  if (intPart === undefined && (frac === undefined || frac === '')) return bad();
  if (frac !== undefined && frac.length > 2) {
    return { ok: false, zh: '金额最多两位小数', en: 'at most two decimal places' };
  }
  if (frac !== undefined && frac === '' && intPart === undefined) return bad();
  const digits = (intPart ?? '0').replace(/,/g, '');
  const fen = BigInt(digits) * 100n + BigInt((frac ?? '').padEnd(2, '0') || '0');
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, zh: '金额过大', en: 'amount too large' };
  }
  const n = Number(fen);
  return { ok: true, fen: sign1 === '-' || sign2 === '-' ? -n : n };
}

function bad(): MoneyParseResult {
  return { ok: false, zh: '不是有效的金额', en: 'not a valid amount' };
}

/** Yuan as a decimal string with two places, e.g. 123450 → "1234.50", -5 → "-0.05". */
export function fenToYuanString(fen: Fen): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const s = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Display format: ¥1,234.50 */
export function formatYuan(fen: Fen): string {
  const [i = '0', f = '00'] = fenToYuanString(Math.abs(fen)).split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${grouped}.${f}`;
}

/** Whole yuan → fen, exact. */
export const yuanToFen = (yuan: number): Fen => {
  if (!Number.isSafeInteger(yuan)) throw new RangeError(`not a whole yuan amount: ${yuan}`);
  return yuan * 100;
};
