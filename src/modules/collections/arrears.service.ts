import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { ValidationError } from '../../core/errors.js';
import { addMonths, endOfMonth, isIsoDate, minDate, monthOf, todayShanghai } from '../../core/dates.js';
import { rate, type Rate } from '../../core/rate.js';
import { runMetric } from '../../metrics/index.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import { owingSubscribers, type Debtor } from './collections.service.js';

/** Arrears page: long-term arrears, ageing, 12-month trend, new long-term arrears, debtors, cleanup. */
export type ArrearsOverview = {
  at: string;
  counties: {
    county_code: string;
    long_term: number;
    new_long_term: number;
    buckets: Record<string, number>;
  }[];
  trend: { month: string; county_code: string; long_term: number }[];
  debtors: Debtor[];
  cleanup: CleanupProgress[];
};

export type CleanupProgress = {
  county_code: string | null;
  year: number;
  baseline_date: string;
  baseline: number;
  current: number;
  cleared: number;
  target: number;
  progress: Rate;
};

function assertDate(d: string, field: string): void {
  if (!isIsoDate(d))
    throw new ValidationError(`日期格式应为 YYYY-MM-DD：${d}`, `${field} must be a date YYYY-MM-DD: ${d}`, {
      field,
    });
}

const num = (v: string | number | null | undefined) => Number(v ?? 0);

async function longTermByCounty(
  db: Kysely<DB>,
  actor: Actor,
  at: string,
  county: string | null,
  metric = 'long_term_arrears',
) {
  const a = await runMetric(db, actor, { metric, at, by: ['county'], filters: county ? { county } : {} });
  return new Map(a.rows.map((r) => [String(r.county), num(r.value)]));
}

export async function arrearsOverview(
  db: Kysely<DB>,
  actor: Actor,
  q: { at?: string; county?: string | null; debtors?: number },
): Promise<ArrearsOverview> {
  const at = q.at ?? todayShanghai();
  assertDate(at, 'at');
  const county = scopedCounty(actor, q.county);
  const filters = county ? { county } : {};
  const lt = await longTermByCounty(db, actor, at, county);
  const nlt = await longTermByCounty(db, actor, at, county, 'new_long_term_arrears');
  const aging = await runMetric(db, actor, { metric: 'arrears_aging', at, by: ['county'], filters });
  const counties = [...lt.keys()].map((c) => ({
    county_code: c,
    long_term: lt.get(c) ?? 0,
    new_long_term: nlt.get(c) ?? 0,
    buckets: Object.fromEntries(
      aging.rows.filter((r) => String(r.county) === c).map((r) => [String(r.bucket), num(r.value)]),
    ),
  }));
  // trend: month ends of the 12 months up to `at` (the last point is `at` itself)
  const trend: ArrearsOverview['trend'] = [];
  for (let k = 11; k >= 0; k--) {
    const m = addMonths(monthOf(at), -k);
    const d = minDate(endOfMonth(m), at);
    const byC = k === 0 ? lt : await longTermByCounty(db, actor, d, county);
    for (const [c, v] of byC) trend.push({ month: m, county_code: c, long_term: v });
  }
  const debtors = await owingSubscribers(db, actor, { cutoff: at, county, limit: q.debtors ?? 50 });
  return { at, counties, trend, debtors, cleanup: await cleanupProgress(db, actor, { at, county }) };
}

export async function cleanupProgress(
  db: Kysely<DB>,
  actor: Actor,
  q: { at: string; county: string | null },
): Promise<CleanupProgress[]> {
  const year = Number(q.at.slice(0, 4));
  let query = db.selectFrom('arrears_targets').selectAll().where('target_year', '=', year);
  if (q.county) query = query.where('county_code', '=', q.county);
  const targets = await query.orderBy(sql`county_code nulls last`).execute();
  const out: CleanupProgress[] = [];
  for (const t of targets) {
    const one = async (d: string) => {
      const a = await runMetric(db, actor, {
        metric: 'long_term_arrears',
        at: d,
        by: [],
        filters: t.county_code ? { county: t.county_code } : {},
      });
      return num(a.rows[0]?.value);
    };
    const baseline = await one(t.baseline_date);
    const current = await one(q.at);
    const cleared = baseline - current;
    out.push({
      county_code: t.county_code,
      year,
      baseline_date: t.baseline_date,
      baseline,
      current,
      cleared,
      target: Number(t.target_amount),
      progress: rate(cleared, Number(t.target_amount)),
    });
  }
  return out;
}

/** The amount of long-term arrears to clear in a year, measured from the arrears on the baseline date. */
export async function setArrearsTarget(
  db: Kysely<DB>,
  actor: Actor,
  input: { year: number; county: string | null; baseline_date: string; amount: number },
): Promise<void> {
  assertCan(actor, 'collections:write');
  if (input.county !== null) assertCountyAccess(actor, input.county);
  assertDate(input.baseline_date, 'baseline_date');
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) {
    throw new ValidationError(
      '目标金额必须是不小于 0 的整分金额',
      'The target must be a whole number of fen ≥ 0',
      { field: 'amount' },
    );
  }
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into arrears_targets (target_year, county_code, baseline_date, target_amount, updated_by)
      values (${input.year}, ${input.county}, ${input.baseline_date}::date, ${input.amount}, ${actor.username})
      on conflict (target_year, (coalesce(county_code, '')))
      do update set baseline_date = excluded.baseline_date, target_amount = excluded.target_amount,
        updated_by = excluded.updated_by, updated_at = now()`.execute(trx);
    await recordAudit(trx, {
      actor: actor.username,
      action: 'update',
      entity: 'arrears_target',
      entityId: `${input.year}:${input.county ?? 'city'}`,
      county: input.county,
      after: input,
    });
  });
}
