import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError, Conflict, NotFound, ValidationError } from '../../core/errors.js';
import { assertCan, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import * as repo from './plans.repository.js';
import { defaultRunMetric, loadLastYear, sumBig, type RunMetric } from './plan-inputs.js';
import {
  assertValidTarget,
  countyWeights,
  monthWeights,
  quarters,
  reviseRemaining,
  splitPlan,
} from './split.js';
import type { CountyPlan, DistributionSpec, PlanMetric, RevisionMode, WeightsSpec } from './plan.types.js';

export type PlanInput = {
  year: number;
  metric: PlanMetric;
  product: string | null;
  /** city annual in the metric's unit: fen for revenue (whole yuan), units otherwise */
  annual: number;
  weights: WeightsSpec;
  distribution: DistributionSpec;
  note?: string | null;
};

export type CountyValues = { county: string; annual: number; months: number[]; quarters: number[] };

export type PlanDetail = {
  plan_id: number;
  year: number;
  metric: PlanMetric;
  product: string | null;
  version: number;
  status: 'draft' | 'published';
  annual: number;
  counties: CountyValues[];
  weights: unknown;
  distribution: unknown;
  revision_mode: RevisionMode;
  from_month: number;
  based_on: number | null;
  note: string | null;
  created_by: string;
  created_at: string;
  published_by: string | null;
  published_at: string | null;
};

const toValues = (p: CountyPlan): CountyValues => ({
  county: p.county,
  annual: Number(p.annual),
  months: p.months.map(Number),
  quarters: quarters(p.months).map(Number),
});

function assertInput(i: Pick<PlanInput, 'year' | 'annual'>): void {
  if (!Number.isInteger(i.year) || i.year < 1900 || i.year > 2999) {
    throw new ValidationError(`年份无效：${i.year}`, `Not a valid year: ${i.year}`, { field: 'year' });
  }
  if (!Number.isSafeInteger(i.annual)) {
    throw new ValidationError(
      `年度目标必须是整数：${i.annual}`,
      `The annual target must be an integer: ${i.annual}`,
      { field: 'annual' },
    );
  }
}

/** Split a plan input exactly as metrics.md says; reads counties and, when needed, last year. */
async function computeSplit(
  db: Kysely<DB>,
  run: RunMetric,
  i: PlanInput,
  previous?: { plans: CountyPlan[]; fromMonth: number },
): Promise<CountyPlan[]> {
  assertInput(i);
  assertValidTarget(i.metric, BigInt(i.annual));
  if (i.product !== null && !(await repo.productExists(db, i.product))) {
    throw new ValidationError(`未知产品线：${i.product}`, `Unknown product line: ${i.product}`, {
      field: 'product',
    });
  }
  const countyRows = await repo.listCounties(db);
  if (!countyRows.length)
    throw new ValidationError('还没有县区资料，请先导入县区', 'No counties yet: import the counties first');
  const counties = countyRows.map((c) => c.county_code);
  const usesLastYear =
    i.weights.method === 'last_year' ||
    (i.weights.method === 'blend' && i.weights.parts.last_year !== undefined) ||
    i.distribution.kind === 'last_year';
  const ly = usesLastYear ? await loadLastYear(db, run, i) : undefined;
  const weights = countyWeights(i.weights, {
    counties,
    households: countyRows.map((c) => (c.households === null ? null : BigInt(c.households))),
    lastYear: ly ? counties.map((c) => sumBig(ly.byCounty.get(c) ?? [])) : undefined,
  });
  const annual = BigInt(i.annual);
  const mw = monthWeights(i.distribution, { metric: i.metric, annual, lastYearMonths: ly?.cityMonths });
  if (!previous)
    return splitPlan({ metric: i.metric, annual, counties, countyWeights: weights, monthWeights: mw });
  const prevBy = new Map(previous.plans.map((p) => [p.county, p]));
  const prev = counties.map(
    (c) => prevBy.get(c) ?? { county: c, annual: 0n, months: Array.from({ length: 12 }, () => 0n) },
  );
  return reviseRemaining({
    metric: i.metric,
    annual,
    fromMonth: previous.fromMonth,
    previous: prev,
    countyWeights: weights,
    monthWeights: mw,
  });
}

export const createPlanService = (deps: { db: Kysely<DB>; runMetric?: RunMetric }) => {
  const { db } = deps;
  const run = deps.runMetric ?? defaultRunMetric;

  async function detail(actor: Actor, planId: number): Promise<PlanDetail> {
    const v = await repo.getVersion(db, planId);
    if (!v) throw new NotFound('plan', planId);
    const values = await repo.getValues(db, planId);
    const visible =
      actor.countyScope === null ? values : values.filter((p) => p.county === actor.countyScope);
    return {
      plan_id: v.plan_id,
      year: v.year,
      metric: v.metric,
      product: v.product_code,
      version: v.version_no,
      status: v.status,
      annual: v.annual,
      counties: visible.map(toValues),
      weights: v.weights,
      distribution: v.distribution,
      revision_mode: v.revision_mode,
      from_month: v.from_month,
      based_on: v.based_on,
      note: v.note,
      created_by: v.created_by,
      created_at: String(v.created_at),
      published_by: v.published_by,
      published_at: v.published_at,
    };
  }

  async function store(
    actor: Actor,
    i: PlanInput,
    plans: CountyPlan[],
    meta: { revisionMode: RevisionMode; fromMonth: number; basedOn: number | null; publish: boolean },
  ): Promise<number> {
    try {
      return await db.transaction().execute(async (trx) => {
        const key = { year: i.year, metric: i.metric, product: i.product };
        const versionNo = await repo.nextVersionNo(trx, key);
        const planId = await repo.insertVersion(trx, {
          ...key,
          versionNo,
          annual: BigInt(i.annual),
          weights: i.weights,
          distribution: i.distribution,
          revisionMode: meta.revisionMode,
          fromMonth: meta.fromMonth,
          basedOn: meta.basedOn,
          note: i.note ?? null,
          createdBy: actor.username,
        });
        await repo.insertValues(trx, planId, plans);
        await recordAudit(trx, {
          actor: actor.username,
          action: meta.basedOn !== null && meta.revisionMode === 'remaining' ? 'revise' : 'create',
          entity: 'plan',
          entityId: planId,
          after: {
            ...key,
            version: versionNo,
            annual: i.annual,
            weights: i.weights,
            distribution: i.distribution,
            ...meta,
          },
        });
        if (meta.publish) {
          await repo.publishVersion(trx, planId, actor.username);
          await recordAudit(trx, {
            actor: actor.username,
            action: 'publish',
            entity: 'plan',
            entityId: planId,
            detail: { ...key, version: versionNo },
          });
        }
        return planId;
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      // two writers numbering the same key at once: the unique index decides
      if (/plan_versions_key|duplicate key/.test(String((e as Error).message))) {
        throw new Conflict(
          '计划版本号冲突，请重试',
          'Another plan version was saved at the same time: try again',
        );
      }
      throw e;
    }
  }

  return {
    detail,

    async list(actor: Actor, f: { year?: number; metric?: PlanMetric; product?: string | null }) {
      assertCan(actor, 'plans:read');
      const rows = await repo.listVersions(db, f);
      return rows.map((v) => ({
        plan_id: v.plan_id,
        year: v.year,
        metric: v.metric,
        product: v.product_code,
        version: v.version_no,
        status: v.status,
        annual: v.annual,
        revision_mode: v.revision_mode,
        from_month: v.from_month,
        based_on: v.based_on,
        created_by: v.created_by,
        created_at: String(v.created_at),
        published_by: v.published_by,
        published_at: v.published_at,
      }));
    },

    /** The latest version of a key (any status), or the one in force with `publishedOnly`. */
    async current(actor: Actor, key: repo.PlanKey, publishedOnly = false): Promise<PlanDetail> {
      assertCan(actor, 'plans:read');
      const v = await repo.latestVersion(db, key, publishedOnly);
      if (!v) throw new NotFound('plan', `${key.year} ${key.metric} ${key.product ?? 'all'}`);
      return detail(actor, v.plan_id);
    },

    /** What-if: the county targets of several weight methods side by side (nothing stored). */
    async preview(actor: Actor, i: Omit<PlanInput, 'weights'> & { methods: WeightsSpec[] }) {
      assertCan(actor, 'plans:read');
      const out = [];
      for (const weights of i.methods) {
        try {
          const plans = await computeSplit(db, run, { ...i, weights });
          out.push({ weights, ok: true as const, counties: plans.map(toValues) });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          out.push({
            weights,
            ok: false as const,
            error: { message_zh: e.message_zh, message_en: e.message_en },
          });
        }
      }
      return { year: i.year, metric: i.metric, product: i.product, annual: i.annual, methods: out };
    },

    /** A new version (draft, or published at once), re-splitting everything. */
    async create(actor: Actor, i: PlanInput & { publish?: boolean }): Promise<PlanDetail> {
      assertCan(actor, 'plans:write');
      const plans = await computeSplit(db, run, i);
      const prev = await repo.latestVersion(db, i, true);
      const id = await store(actor, i, plans, {
        revisionMode: 'all',
        fromMonth: 1,
        basedOn: prev?.plan_id ?? null,
        publish: i.publish ?? false,
      });
      return detail(actor, id);
    },

    async publish(actor: Actor, planId: number): Promise<PlanDetail> {
      assertCan(actor, 'plans:write');
      await db.transaction().execute(async (trx) => {
        const v = await repo.getVersion(trx, planId);
        if (!v) throw new NotFound('plan', planId);
        const done = await repo.publishVersion(trx, planId, actor.username);
        if (!done)
          throw new Conflict(
            `计划版本 ${v.version_no} 已发布`,
            `Plan version ${v.version_no} is already published`,
            { plan_id: planId },
          );
        await recordAudit(trx, {
          actor: actor.username,
          action: 'publish',
          entity: 'plan',
          entityId: planId,
          before: { status: v.status },
          after: { status: 'published' },
          detail: { year: v.year, metric: v.metric, product: v.product_code, version: v.version_no },
        });
      });
      return detail(actor, planId);
    },

    /**
     * A mid-year revision: a new version based on `planId`. mode 'remaining' keeps months before
     * `fromMonth` as they were and re-splits the rest; 'all' re-splits the whole year.
     */
    async revise(
      actor: Actor,
      planId: number,
      r: {
        annual: number;
        weights: WeightsSpec;
        distribution: DistributionSpec;
        mode: RevisionMode;
        fromMonth?: number;
        note?: string | null;
        publish?: boolean;
      },
    ): Promise<PlanDetail> {
      assertCan(actor, 'plans:write');
      const base = await repo.getVersion(db, planId);
      if (!base) throw new NotFound('plan', planId);
      const i: PlanInput = {
        year: base.year,
        metric: base.metric,
        product: base.product_code,
        annual: r.annual,
        weights: r.weights,
        distribution: r.distribution,
        note: r.note,
      };
      let plans: CountyPlan[];
      let fromMonth = 1;
      if (r.mode === 'remaining') {
        if (r.fromMonth === undefined) {
          throw new ValidationError(
            '只重分解剩余月份时必须给出起始月',
            'Re-splitting the remaining months needs the first month to re-split',
            { field: 'from_month' },
          );
        }
        fromMonth = r.fromMonth;
        plans = await computeSplit(db, run, i, { plans: await repo.getValues(db, planId), fromMonth });
      } else {
        plans = await computeSplit(db, run, i);
      }
      const id = await store(actor, i, plans, {
        revisionMode: r.mode,
        fromMonth,
        basedOn: planId,
        publish: r.publish ?? false,
      });
      return detail(actor, id);
    },

    /** Two versions side by side: annual and month values per county and their differences. */
    async compare(actor: Actor, a: number, b: number) {
      assertCan(actor, 'plans:read');
      const [da, dbb] = [await detail(actor, a), await detail(actor, b)];
      const counties = [...new Set([...da.counties, ...dbb.counties].map((c) => c.county))].sort();
      const zero = Array.from({ length: 12 }, () => 0);
      const meta = (d: PlanDetail) => ({
        plan_id: d.plan_id,
        year: d.year,
        metric: d.metric,
        product: d.product,
        version: d.version,
        status: d.status,
        annual: d.annual,
      });
      return {
        a: meta(da),
        b: meta(dbb),
        counties: counties.map((county) => {
          const x = da.counties.find((c) => c.county === county);
          const y = dbb.counties.find((c) => c.county === county);
          const xm = x?.months ?? zero;
          const ym = y?.months ?? zero;
          return {
            county,
            a: x?.annual ?? 0,
            b: y?.annual ?? 0,
            diff: (y?.annual ?? 0) - (x?.annual ?? 0),
            months: xm.map((v, k) => ({ a: v, b: ym[k] ?? 0, diff: (ym[k] ?? 0) - v })),
          };
        }),
      };
    },
  };
};

export type PlanService = ReturnType<typeof createPlanService>;
