import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { addDays, addMonths, endOfMonth, firstDay, minDate, todayShanghai } from '../../core/dates.js';
import { maskName, maskPhone } from '../../core/pii.js';
import { rate, type Rate } from '../../core/rate.js';
import { runMetric } from '../../metrics/index.js';
import { scopedCounty, type Actor } from '../../server/rbac.js';
import { getCollectionsSettings } from './collections.settings.js';
import { assertMonth } from './limits.service.js';
import { owedSelect } from './owed.sql.js';

/** The collections page: the current-period collection rate per county against the target. */
export type CountyCollection = {
  county_code: string | null;
  receivable: number;
  collected: number;
  rate: Rate;
  below_target: boolean;
};

/** value < target in integer arithmetic: collected × 10000 < target_bp × receivable. */
export const belowTarget = (r: Rate, targetBp: number): boolean =>
  r.denominator > 0 && r.numerator * 10000 < targetBp * r.denominator;

export async function collectionsOverview(
  db: Kysely<DB>,
  actor: Actor,
  q: { month: string; county?: string | null; cutoff?: string },
  opts: { today?: string } = {},
): Promise<{
  month: string;
  cutoff: string;
  provisional: boolean;
  target_bp: number;
  counties: CountyCollection[];
  city: CountyCollection | null;
}> {
  assertMonth(q.month);
  const county = scopedCounty(actor, q.county);
  const { target_rate_bp } = await getCollectionsSettings(db);
  const base = {
    metric: 'current_collection_rate',
    month: q.month,
    ...(q.cutoff ? { cutoff: q.cutoff } : {}),
  };
  const ans = await runMetric(
    db,
    actor,
    { ...base, by: ['county'], filters: county ? { county } : {} },
    opts,
  );
  const city = county === null ? await runMetric(db, actor, { ...base, by: [], filters: {} }, opts) : null;
  const shape = (row: Record<string, string | number | null>, c: string | null): CountyCollection => {
    const r = rate(Number(row.numerator ?? 0), Number(row.denominator ?? 0));
    return {
      county_code: c,
      receivable: r.denominator,
      collected: r.numerator,
      rate: r,
      below_target: belowTarget(r, target_rate_bp),
    };
  };
  const cityRow = city?.rows[0];
  return {
    month: q.month,
    cutoff: ans.cutoff ?? '',
    provisional: ans.provisional ?? false,
    target_bp: target_rate_bp,
    counties: ans.rows.map((r) => shape(r, String(r.county))),
    city: cityRow ? shape(cityRow, null) : null,
  };
}

export type CurvePoint = { day: number; date: string; rate: Rate | null };
export type CurveSeries = { key: 'this' | 'previous' | 'last_year'; month: string; points: CurvePoint[] };

/**
 * Collection curve of bill month m: the collection rate at each day k = 1.. of month m+1 (cutoff
 * EOM(m) + k), never past today. Set-based: each subscriber's collected and due change only on days
 * with a payment or adjustment for m, so the query sums those changes per day and accumulates them.
 */
async function curveOf(
  db: Kysely<DB>,
  month: string,
  county: string | null,
  today: string,
): Promise<CurvePoint[]> {
  const start = endOfMonth(month);
  const last = endOfMonth(addMonths(month, 1));
  const until = minDate(last, today);
  const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
  const bm = firstDay(month);
  const scope = county
    ? sql`subscriber_id in (select subscriber_id from subscribers where county_code = ${county})`
    : sql`true`;
  const r = await sql<{ day: string; due: number; collected: number }>`
    with ev as (
      select subscriber_id, day, sum(pay)::bigint as pay, sum(adj)::bigint as adj from (
        select subscriber_id, greatest(paid_day, ${start}::date) as day, amount as pay, 0::bigint as adj from payments
          where bill_month = ${bm}::date and paid_day <= ${until}::date and ${scope}
        union all
        select subscriber_id, greatest(adjusted_day, ${start}::date), 0, amount from adjustments
          where bill_month = ${bm}::date and adjusted_day <= ${until}::date and ${scope}
      ) x group by subscriber_id, day
    ),
    base as (select subscriber_id, amount as bill from bills where bill_month = ${bm}::date and ${scope}),
    subs as (select subscriber_id from base union select subscriber_id from ev),
    steps as (
      select s.subscriber_id, e.day,
        greatest(0, coalesce(b.bill, 0) + sum(e.adj) over w) as due,
        sum(e.pay) over w as paid
      from subs s join ev e on e.subscriber_id = s.subscriber_id
      left join base b on b.subscriber_id = s.subscriber_id
      window w as (partition by s.subscriber_id order by e.day)
    ),
    deltas as (
      select day,
        due - coalesce(lag(due) over p, greatest(0, coalesce((select bill from base b where b.subscriber_id = steps.subscriber_id), 0))) as d_due,
        least(paid, due) - coalesce(lag(least(paid, due)) over p, 0) as d_col
      from steps window p as (partition by subscriber_id order by day)
    ),
    per_day as (select day, sum(d_due) as d_due, sum(d_col) as d_col from deltas group by day),
    series as (select g::date as day from generate_series(${start}::date, ${until}::date, interval '1 day') g)
    select s.day::text as day,
      ((select coalesce(sum(greatest(0, bill)), 0) from base) + coalesce(sum(p.d_due) over o, 0))::bigint as due,
      coalesce(sum(p.d_col) over o, 0)::bigint as collected
    from series s left join per_day p on p.day = s.day
    window o as (order by s.day)
    order by s.day`.execute(db);
  const byDay = new Map(r.rows.map((x) => [x.day, x]));
  const points: CurvePoint[] = [];
  for (let k = 1; k <= days; k++) {
    const date = addDays(start, k);
    const x = byDay.get(date);
    points.push({ day: k, date, rate: x ? rate(Number(x.collected), Number(x.due)) : null });
  }
  return points;
}

export async function collectionCurve(
  db: Kysely<DB>,
  actor: Actor,
  q: { month: string; county?: string | null },
  opts: { today?: string } = {},
): Promise<{ series: CurveSeries[]; target_bp: number }> {
  assertMonth(q.month);
  const county = scopedCounty(actor, q.county);
  const today = opts.today ?? todayShanghai();
  const { target_rate_bp } = await getCollectionsSettings(db);
  const series: CurveSeries[] = [];
  for (const [key, m] of [
    ['this', q.month],
    ['previous', addMonths(q.month, -1)],
    ['last_year', addMonths(q.month, -12)],
  ] as const) {
    series.push({ key, month: m, points: await curveOf(db, m, county, today) });
  }
  return { series, target_bp: target_rate_bp };
}

export type Debtor = {
  subscriber_id: string;
  county_code: string;
  customer_name: string | null;
  phone: string | null;
  owed: number;
  months: number;
  oldest_month: string;
};

/**
 * Subscribers who still owe: for one bill month (drill-down of the collection rate, cutoff as the
 * rate's) or, without a month, over every bill month in arrears at `cutoff` (the largest debtors).
 */
export async function owingSubscribers(
  db: Kysely<DB>,
  actor: Actor,
  q: { cutoff: string; month?: string; county?: string | null; limit?: number },
): Promise<Debtor[]> {
  const county = scopedCounty(actor, q.county);
  const range = q.month
    ? { monthFrom: firstDay(q.month), monthTo: firstDay(q.month) }
    : { monthTo: firstDay(addMonths(q.cutoff.slice(0, 7), -1)) };
  const r = await sql<{
    subscriber_id: string;
    county_code: string;
    customer_name: string;
    phone: string | null;
    owed: number;
    months: number;
    oldest: string;
  }>`
    select o.subscriber_id, s.county_code, s.customer_name, s.phone, sum(o.owed)::bigint as owed,
      count(*)::int as months, to_char(min(o.bill_month), 'YYYY-MM') as oldest
    from (${owedSelect({ cutoff: q.cutoff, county, ...range })}) o
    join subscribers s on s.subscriber_id = o.subscriber_id
    where o.owed > 0
    group by o.subscriber_id, s.county_code, s.customer_name, s.phone
    order by sum(o.owed) desc, o.subscriber_id
    limit ${Math.min(q.limit ?? 100, 1000)}`.execute(db);
  return r.rows.map((x) => ({
    subscriber_id: x.subscriber_id,
    county_code: x.county_code,
    customer_name: maskName(x.customer_name),
    phone: maskPhone(x.phone),
    owed: Number(x.owed),
    months: x.months,
    oldest_month: x.oldest,
  }));
}
