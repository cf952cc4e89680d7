import { rateValue } from '../core/rate.js';
import { monthDiff } from '../core/dates.js';
import type { ReferenceData } from '../modules/reference/reference.repository.js';
import type { Dim, GroupBasis, MetricRow, ScopedQuery } from './types.js';

/** Aging buckets by months overdue k, in age order. */
export const AGING_BUCKETS = [
  { key: '1-3', lo: 1, hi: 3 },
  { key: '4-6', lo: 4, hi: 6 },
  { key: '7-12', lo: 7, hi: 12 },
  { key: '13-24', lo: 13, hi: 24 },
  { key: '>24', lo: 25, hi: Number.POSITIVE_INFINITY },
] as const;

/** The bucket of bill month `month` ('YYYY-MM') at date `at`; null when not yet in arrears (k ≤ 0). */
export function bucketOf(month: string, at: string): string | null {
  const k = monthDiff(at.slice(0, 7), month);
  return AGING_BUCKETS.find((b) => k >= b.lo && k <= b.hi)?.key ?? null;
}

export type Group = Partial<Record<Dim, string | null>>;
export type RawRow = Partial<Record<Dim, string | null>> & { num: number; den: number };

/** Metrics of moves and stock: the city warehouse's county null and items without product are groups. */
const MOVES_METRICS = new Set(['stock_on_hand', 'install_terminal_mismatch', 'new_unit_swaps']);

export const basisOf = (info: { id: string; family: string }): GroupBasis =>
  info.family === 'cash' ? 'cash' : MOVES_METRICS.has(info.id) ? 'moves' : 'subscriber';

/**
 * Every group the answer lists, empty or not: the reference data of each dimension the query cuts
 * by (restricted by the county/product filter), crossed. A warehouse or outlet carries its county and
 * an item its product, so cutting by both lists consistent pairs only. `months` are the month keys
 * (all months of a period, or the bill months with arrears).
 */
export function enumerateGroups(
  q: ScopedQuery,
  ref: ReferenceData,
  months: readonly string[],
  moves: boolean,
): Group[] {
  const by = new Set(q.by);
  const countyOk = (c: string | null) => q.county === null || c === q.county;
  const productOk = (p: string | null) => q.product === null || p === q.product;

  let places: Group[] = [{}];
  if (by.has('outlet'))
    places = ref.outlets.filter((o) => countyOk(o.county)).map((o) => ({ outlet: o.code, county: o.county }));
  else if (by.has('warehouse'))
    places = ref.warehouses
      .filter((w) => countyOk(w.county))
      .map((w) => ({ warehouse: w.code, county: w.county }));
  else if (by.has('county')) {
    const codes: (string | null)[] = ref.counties.map((c) => c.code);
    if (moves) codes.push(null);
    places = codes.filter(countyOk).map((county) => ({ county }));
  }

  let goods: Group[] = [{}];
  if (by.has('item'))
    goods = ref.items.filter((i) => productOk(i.product)).map((i) => ({ item: i.code, product: i.product }));
  else if (by.has('product')) {
    const codes: (string | null)[] = ref.products.map((p) => p.code);
    if (moves) codes.push(null);
    goods = codes.filter(productOk).map((product) => ({ product }));
  }

  let times: Group[] = [{}];
  if (by.has('month')) {
    times = months.map((month) => (by.has('bucket') ? { month, bucket: bucketOf(month, q.at) } : { month }));
  } else if (by.has('bucket')) times = AGING_BUCKETS.map((b) => ({ bucket: b.key }));

  const out: Group[] = [];
  for (const p of places)
    for (const g of goods) for (const t of times) out.push(project({ ...p, ...g, ...t }, q.by));
  return out;
}

const project = (g: Group, by: readonly Dim[]): Group => Object.fromEntries(by.map((d) => [d, g[d] ?? null]));
const keyOf = (g: Group, by: readonly Dim[]): string => JSON.stringify(by.map((d) => g[d] ?? null));

function compareKey(d: Dim, a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  if (d === 'bucket')
    return AGING_BUCKETS.findIndex((k) => k.key === x) - AGING_BUCKETS.findIndex((k) => k.key === y);
  return x < y ? -1 : 1;
}

export function sortGroups<T extends Group>(rows: T[], by: readonly Dim[]): T[] {
  return rows.sort((a, b) => {
    for (const d of by) {
      const c = compareKey(d, a[d], b[d]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/**
 * Sum the finest-grain rows into the requested groups and shape the answer rows: group keys in `by`
 * order, then value (and numerator/denominator for a rate).
 */
export function shapeRows(
  groups: Group[],
  raw: RawRow[],
  by: readonly Dim[],
  isRate: boolean,
  at: string,
): MetricRow[] {
  const sums = new Map<string, { g: Group; num: number; den: number }>();
  for (const g of groups) sums.set(keyOf(g, by), { g, num: 0, den: 0 });
  for (const r of raw) {
    const g: Group = { ...r };
    if (by.includes('bucket')) g.bucket = r.month ? bucketOf(r.month, at) : null;
    const k = keyOf(g, by);
    let s = sums.get(k);
    if (!s) {
      // never lose a number: a record outside the reference lists still shows as its own group
      s = { g: project(g, by), num: 0, den: 0 };
      sums.set(k, s);
    }
    s.num += r.num;
    s.den += r.den;
  }
  const rows = [...sums.values()].map(({ g, num, den }) => {
    const row: MetricRow = { ...project(g, by) };
    if (isRate) {
      row.value = rateValue(num, den);
      row.numerator = num;
      row.denominator = den;
    } else row.value = num;
    return row;
  });
  return sortGroups(rows as (MetricRow & Group)[], by);
}
