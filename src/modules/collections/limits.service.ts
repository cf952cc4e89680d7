import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { ValidationError } from '../../core/errors.js';
import { endOfMonth, firstDay, isIsoMonth, monthDiff, monthsBetween } from '../../core/dates.js';
import { maskName } from '../../core/pii.js';
import { rate, type Rate } from '../../core/rate.js';
import { runMetric } from '../../metrics/index.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import { limitLevel, type LimitLevel } from './limits.rules.js';

/** Adjustment (调帐) limits per month for each county and the city, and the totals against them. */
export function assertMonth(m: string, field = 'month'): void {
  if (!isIsoMonth(m)) {
    throw new ValidationError(`月份格式应为 YYYY-MM：${m}`, `${field} must be a month YYYY-MM: ${m}`, {
      field,
      value: m,
    });
  }
}

function assertRange(from: string, to: string, max = 36): void {
  assertMonth(from, 'from');
  assertMonth(to, 'to');
  if (monthDiff(to, from) < 0 || monthDiff(to, from) >= max) {
    throw new ValidationError(
      `月份范围无效（最多 ${max} 个月）：${from} 至 ${to}`,
      `Invalid month range (at most ${max} months): ${from} to ${to}`,
      { from, to },
    );
  }
}

/** Set one limit for each listed month (county null = the city). Needs collections:write. */
export async function setAdjustmentLimits(
  db: Kysely<DB>,
  actor: Actor,
  input: { months: string[]; county: string | null; amount: number },
): Promise<void> {
  assertCan(actor, 'collections:write');
  if (input.county !== null) assertCountyAccess(actor, input.county);
  else if (actor.countyScope !== null) assertCountyAccess(actor, null);
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) {
    throw new ValidationError(
      '额度必须是不小于 0 的整分金额',
      'The limit must be a whole number of fen ≥ 0',
      {
        field: 'amount',
        value: input.amount,
      },
    );
  }
  if (input.months.length === 0 || input.months.length > 36) {
    throw new ValidationError('请给出 1 到 36 个月份', 'Give between 1 and 36 months', { field: 'months' });
  }
  input.months.forEach((m) => assertMonth(m));
  await db.transaction().execute(async (trx) => {
    for (const m of input.months) {
      const before = await trx
        .selectFrom('adjustment_limits')
        .select('limit_amount')
        .where('limit_month', '=', firstDay(m))
        .where(sql<boolean>`coalesce(county_code, '') = ${input.county ?? ''}`)
        .executeTakeFirst();
      await sql`
        insert into adjustment_limits (limit_month, county_code, limit_amount, updated_by)
        values (${firstDay(m)}::date, ${input.county}, ${input.amount}, ${actor.username})
        on conflict (limit_month, (coalesce(county_code, '')))
        do update set limit_amount = excluded.limit_amount, updated_by = excluded.updated_by, updated_at = now()`.execute(
        trx,
      );
      await recordAudit(trx, {
        actor: actor.username,
        action: before ? 'update' : 'create',
        entity: 'adjustment_limit',
        entityId: `${m}:${input.county ?? 'city'}`,
        county: input.county,
        before: before ? { limit: Number(before.limit_amount) } : null,
        after: { limit: input.amount },
      });
    }
  });
}

export type LimitCell = {
  month: string;
  county_code: string | null;
  total: number;
  limit: number | null;
  usage: Rate | null;
  level: LimitLevel;
};

/**
 * Adjustment totals (the `adjustment_total` metric per county and month) against the limits, for
 * every county in scope and, for city-wide users, the city. Months past a limit are `over`.
 */
export async function adjustmentLimitStatus(
  db: Kysely<DB>,
  actor: Actor,
  q: { from: string; to: string; county?: string | null },
  opts: { today?: string } = {},
): Promise<{ months: string[]; cells: LimitCell[]; alerts: LimitCell[] }> {
  assertRange(q.from, q.to);
  const county = scopedCounty(actor, q.county);
  const period = { from: firstDay(q.from), to: endOfMonth(q.to) };
  const byCounty = await runMetric(
    db,
    actor,
    { metric: 'adjustment_total', ...period, by: ['county', 'month'], filters: county ? { county } : {} },
    opts,
  );
  const city =
    county === null
      ? await runMetric(
          db,
          actor,
          { metric: 'adjustment_total', ...period, by: ['month'], filters: {} },
          opts,
        )
      : null;
  const limits = await db
    .selectFrom('adjustment_limits')
    .select(['limit_month', 'county_code', 'limit_amount'])
    .where('limit_month', '>=', period.from)
    .where('limit_month', '<=', period.to)
    .execute();
  const limitOf = new Map(
    limits.map((l) => [`${l.limit_month.slice(0, 7)}:${l.county_code ?? ''}`, Number(l.limit_amount)]),
  );
  const cell = (month: string, c: string | null, total: number): LimitCell => {
    const limit = limitOf.get(`${month}:${c ?? ''}`) ?? null;
    return {
      month,
      county_code: c,
      total,
      limit,
      usage: limit === null ? null : rate(total, limit),
      level: limitLevel(total, limit),
    };
  };
  const cells: LimitCell[] = byCounty.rows.map((r) =>
    cell(String(r.month), String(r.county), Number(r.value ?? 0)),
  );
  if (city) cells.push(...city.rows.map((r) => cell(String(r.month), null, Number(r.value ?? 0))));
  return {
    months: monthsBetween(q.from, q.to),
    cells,
    alerts: cells.filter((c) => c.level === 'warning' || c.level === 'over'),
  };
}

export type AdjustmentRow = {
  adjustment_id: string;
  subscriber_id: string;
  customer_name: string | null;
  county_code: string;
  bill_month: string;
  adjusted_day: string;
  amount: number;
  reason: string | null;
  approver_id: string | null;
};

/** The adjustments of a month (reductions and additions), newest first, with reason and approver. */
export async function listAdjustments(
  db: Kysely<DB>,
  actor: Actor,
  q: { month: string; county?: string | null; limit?: number },
): Promise<AdjustmentRow[]> {
  assertMonth(q.month);
  const county = scopedCounty(actor, q.county);
  let query = db
    .selectFrom('adjustments as a')
    .innerJoin('subscribers as s', 's.subscriber_id', 'a.subscriber_id')
    .select([
      'a.adjustment_id',
      'a.subscriber_id',
      's.customer_name',
      's.county_code',
      'a.bill_month',
      'a.adjusted_day',
      'a.amount',
      'a.reason',
      'a.approver_id',
    ])
    .where('a.adjusted_day', '>=', firstDay(q.month))
    .where('a.adjusted_day', '<=', endOfMonth(q.month));
  if (county) query = query.where('s.county_code', '=', county);
  const rows = await query
    .orderBy('a.adjusted_day', 'desc')
    .orderBy('a.adjustment_id')
    .limit(Math.min(q.limit ?? 1000, 5000))
    .execute();
  return rows.map((r) => ({ ...r, amount: Number(r.amount), customer_name: maskName(r.customer_name) }));
}
