/**
 * Adjustment limit alerts: `warning` from 80% of the limit, `over` past 100% (reaching the limit
 * exactly is still within it), `none` when no limit is set. Integer comparisons: no rate rounding
 * can move a county across a line.
 */
export type LimitLevel = 'none' | 'ok' | 'warning' | 'over';

export function limitLevel(total: number, limit: number | null): LimitLevel {
  if (limit === null) return 'none';
  if (total > limit) return 'over';
  if (total * 100 >= limit * 80 && total > 0) return 'warning';
  return 'ok';
}
