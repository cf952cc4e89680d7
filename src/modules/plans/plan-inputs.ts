import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { runMetric } from '../../metrics/index.js';
import { systemActor, type Actor } from '../../server/rbac.js';
import type { PlanMetric } from './plan.types.js';

/** How the plans module reads actuals: the metrics engine's runMetric (injectable for tests). */
export type RunMetric = (
  db: Kysely<DB>,
  actor: Actor,
  q: {
    metric: string;
    from?: string;
    to?: string;
    by: string[];
    filters: { county?: string; product?: string };
  },
) => Promise<{ rows: Record<string, string | number | null>[] }>;

export const defaultRunMetric: RunMetric = (db, actor, q) => runMetric(db, actor, q);

export type Actuals = {
  /** county → 12 monthly actuals (months after `to` are 0) */
  byCounty: Map<string, bigint[]>;
  /** city total per month */
  cityMonths: bigint[];
};

const zeros = () => Array.from({ length: 12 }, () => 0n);

/**
 * The metric by county × month over [year-01-01, to] for one product line (null = all). The whole
 * city is read (a system actor): ranks are among all counties; callers apply the viewer's scope to
 * the rows they return. A `to` before the year gives zeros without asking.
 */
export async function loadActuals(
  db: Kysely<DB>,
  run: RunMetric,
  q: { year: number; metric: PlanMetric; product: string | null; to: string },
): Promise<Actuals> {
  const byCounty = new Map<string, bigint[]>();
  const cityMonths = zeros();
  const from = `${String(q.year).padStart(4, '0')}-01-01`;
  if (q.to < from) return { byCounty, cityMonths };
  const ans = await run(db, systemActor('plans'), {
    metric: q.metric,
    from,
    to: q.to,
    by: ['county', 'month'],
    filters: q.product === null ? {} : { product: q.product },
  });
  for (const r of ans.rows) {
    const county = r.county;
    const month = typeof r.month === 'string' ? Number(r.month.slice(5, 7)) : NaN;
    if (typeof county !== 'string' || !(month >= 1 && month <= 12)) continue;
    const v = BigInt(typeof r.value === 'number' ? r.value : 0);
    const arr = byCounty.get(county) ?? zeros();
    arr[month - 1] = (arr[month - 1] ?? 0n) + v;
    byCounty.set(county, arr);
    cityMonths[month - 1] = (cityMonths[month - 1] ?? 0n) + v;
  }
  return { byCounty, cityMonths };
}

/** Last year's full-year actuals (weights and seasonality). */
export const loadLastYear = (
  db: Kysely<DB>,
  run: RunMetric,
  q: { year: number; metric: PlanMetric; product: string | null },
) =>
  loadActuals(db, run, {
    year: q.year - 1,
    metric: q.metric,
    product: q.product,
    to: `${String(q.year - 1).padStart(4, '0')}-12-31`,
  });

export const sumBig = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
