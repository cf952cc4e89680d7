import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { NotFound, ValidationError } from '../../core/errors.js';
import { isIsoDate, splitDate } from '../../core/dates.js';
import { assertCan, scopedCounty, type Actor } from '../../server/rbac.js';
import * as repo from './plans.repository.js';
import { defaultRunMetric, loadActuals, loadLastYear, sumBig, type RunMetric } from './plan-inputs.js';
import {
  cumulative,
  dateUsedFor,
  DEFAULT_THRESHOLDS,
  forecastRow,
  progressRows,
  thresholdFraction,
  type LightThresholds,
} from './progress.js';
import type { PlanMetric } from './plan.types.js';

export type ProgressQuery = {
  year: number;
  metric: PlanMetric;
  product: string | null;
  at: string;
  county?: string | null;
};

/** Settings key of the traffic-light thresholds: {"green": "1", "amber": "0.95"} (attainment). */
export const LIGHT_SETTING = 'plans.traffic_light';

export async function loadThresholds(db: Kysely<DB>): Promise<LightThresholds> {
  const v = await repo.getSetting(db, LIGHT_SETTING);
  if (!v || typeof v !== 'object') return DEFAULT_THRESHOLDS;
  const o = v as { green?: unknown; amber?: unknown };
  try {
    return {
      green:
        typeof o.green === 'string' || typeof o.green === 'number'
          ? thresholdFraction(o.green)
          : DEFAULT_THRESHOLDS.green,
      amber:
        typeof o.amber === 'string' || typeof o.amber === 'number'
          ? thresholdFraction(o.amber)
          : DEFAULT_THRESHOLDS.amber,
    };
  } catch {
    return DEFAULT_THRESHOLDS;
  }
}

const fracString = ([n, d]: [bigint, bigint]) => (Number(n) / Number(d)).toString();

export const createProgressService = (deps: { db: Kysely<DB>; runMetric?: RunMetric }) => {
  const { db } = deps;
  const run = deps.runMetric ?? defaultRunMetric;

  /** The plan in force (latest published; the latest draft while none is published) and its values. */
  async function planFor(q: ProgressQuery) {
    if (!isIsoDate(q.at))
      throw new ValidationError(`日期无效：${q.at}`, `Not a valid date: ${q.at}`, { field: 'at' });
    if (splitDate(q.at)[0] !== q.year) {
      throw new ValidationError(
        `日期 ${q.at} 不在计划年度 ${q.year} 内`,
        `The date ${q.at} is not in the plan year ${q.year}`,
        { field: 'at' },
      );
    }
    const key = { year: q.year, metric: q.metric, product: q.product };
    const v = (await repo.latestVersion(db, key, true)) ?? (await repo.latestVersion(db, key, false));
    if (!v) throw new NotFound('plan', `${q.year} ${q.metric} ${q.product ?? 'all'}`);
    return { version: v, values: await repo.getValues(db, v.plan_id) };
  }

  return {
    async progress(actor: Actor, q: ProgressQuery) {
      assertCan(actor, 'plans:read');
      const scope = scopedCounty(actor, q.county ?? null);
      const { version, values } = await planFor(q);
      const dateUsed = dateUsedFor(q.metric, q.at);
      const actuals = await loadActuals(db, run, { ...q, to: dateUsed });
      const thresholds = await loadThresholds(db);
      const all = progressRows(
        q.year,
        dateUsed,
        values.map((p) => ({ ...p, actualYtd: sumBig(actuals.byCounty.get(p.county) ?? []) })),
        thresholds,
      );
      const visible = (c: string) => scope === null || c === scope;
      const [uy, um] = splitDate(dateUsed);
      const doneMonths = uy < q.year ? 0 : um; // months with (at least partial) actuals
      const monthly = values
        .filter((p) => visible(p.county))
        .map((p) => {
          const act = actuals.byCounty.get(p.county) ?? [];
          return {
            county: p.county,
            plan: p.months.map(Number),
            actual: p.months.map((_, k) => (k < doneMonths ? Number(act[k] ?? 0n) : null)),
          };
        });
      const planSum = Array.from({ length: 12 }, (_, k) =>
        monthly.reduce((a, m) => a + BigInt(m.plan[k] ?? 0), 0n),
      );
      const actSum = Array.from({ length: 12 }, (_, k) =>
        monthly.reduce((a, m) => a + BigInt(m.actual[k] ?? 0), 0n),
      );
      const cumAct = cumulative(actSum);
      return {
        year: q.year,
        metric: q.metric,
        product: q.product,
        at: q.at,
        date_used: dateUsed,
        plan: { plan_id: version.plan_id, version: version.version_no, status: version.status },
        thresholds: { green: fracString(thresholds.green), amber: fracString(thresholds.amber) },
        rows: all.filter((r) => visible(r.county)),
        monthly,
        cumulative: {
          plan: cumulative(planSum).map(Number),
          actual: cumAct.map((v, k) => (k < doneMonths ? Number(v) : null)),
        },
      };
    },

    /** Year-end projection per county: by attainment so far and by last year's seasonality. */
    async forecast(actor: Actor, q: ProgressQuery) {
      assertCan(actor, 'plans:read');
      const scope = scopedCounty(actor, q.county ?? null);
      const { version, values } = await planFor(q);
      const dateUsed = dateUsedFor(q.metric, q.at);
      const actuals = await loadActuals(db, run, { ...q, to: dateUsed });
      const ly = await loadLastYear(db, run, q);
      const rows = values
        .filter((p) => scope === null || p.county === scope)
        .map((p) =>
          forecastRow(q.year, dateUsed, {
            ...p,
            actualYtd: sumBig(actuals.byCounty.get(p.county) ?? []),
            lastYearMonths: ly.byCounty.get(p.county),
          }),
        );
      return {
        year: q.year,
        metric: q.metric,
        product: q.product,
        at: q.at,
        date_used: dateUsed,
        plan: { plan_id: version.plan_id, version: version.version_no, status: version.status },
        rows,
      };
    },
  };
};

export type ProgressService = ReturnType<typeof createProgressService>;
