import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { addDays, addMonths, firstDay, monthOf } from '../../core/dates.js';
import { arrearsRange } from '../collections.metrics.js';
import type { RawRow } from '../shape.js';
import type { ScopedQuery } from '../types.js';
import {
  answer,
  byPeriod,
  d,
  isMonthEnd,
  isMonthStart,
  scope,
  staleIn,
  UNSERVABLE,
  type Grain,
  type Served,
} from './answer.js';

export type { Served } from './answer.js';
export { splitPeriod } from './answer.js';

/*
 * Answers from the aggregates (src/metrics/aggregates/refresh.ts), or null when they cannot answer
 * this query exactly: parameters outside what they store (an odd cutoff with later events in its
 * month, a non-month-end date, n ≠ 3, …) or a slice the triggers marked stale. The caller then runs
 * the metric's detail query, so a figure is never stale, only slower.
 */

/**
 * The state of every (subscriber, bill month) at cutoff t equals its state at the end of t's month
 * when no payment or adjustment of those bill months falls after t in that month.
 */
async function cutoffServable(db: Kysely<DB>, lo: string, hi: string, t: string): Promise<boolean> {
  if (isMonthEnd(t)) return true;
  const r = await sql<{ x: number }>`select 1 as x from mx_bill_lastday
    where bill_month between ${d(lo)} and ${d(hi)} and event_month = ${d(firstDay(monthOf(t)))} and last_day > ${d(t)}
    limit 1`.execute(db);
  return r.rows.length === 0;
}

/** Pieces of mx_bill_state valid at the month of t. */
const pieceAt = (t: string) => {
  const T = d(firstDay(monthOf(t)));
  return sql`(b.valid_from is null or b.valid_from <= ${T}) and (b.valid_to is null or b.valid_to >= ${T})`;
};

/**
 * due / collected / owed per (county, product, bill month) of bill months [lo, hi] at cutoff t (rows
 * to be summed). When t's month has no later event the pieces valid at t's month answer alone.
 * Otherwise: the pieces give every pair's state at the end of the month before t's, and only the
 * pairs with a payment or an adjustment between the first of t's month and t are re-evaluated from
 * their detail rows — their state at t minus their state at that month end. Exact, because a pair's
 * state changes only through its own events; fast when few pairs move in part of a month (old bill
 * months of an arrears figure).
 */
async function billState(
  db: Kysely<DB>,
  q: ScopedQuery,
  lo: string,
  hi: string,
  t: string,
  maxMoved: number = Number.POSITIVE_INFINITY,
) {
  const M = sql`between ${d(lo)} and ${d(hi)}`;
  if (await cutoffServable(db, lo, hi, t))
    return {
      detail: false,
      query: sql`select b.county_code, b.product_code, b.bill_month, b.due, b.collected, b.owed
        from mx_bill_state b where b.bill_month ${M} and ${pieceAt(t)} and ${scope(q, 'b')}`,
    };
  const P = firstDay(monthOf(t));
  if (Number.isFinite(maxMoved)) {
    const moved = await sql<{ n: number }>`select count(*)::int as n from (
        select 1 from payments where paid_day between ${d(P)} and ${d(t)} and bill_month ${M} limit ${maxMoved + 1}) z`.execute(
      db,
    );
    if ((moved.rows[0]?.n ?? 0) > maxMoved) return null;
  }
  const before = addDays(P, -1);
  // reads the payments and adjustments between the first of t's month and t (detail: true)
  const query = sql`
    select b.county_code, b.product_code, b.bill_month, b.due, b.collected, b.owed
    from mx_bill_state b where b.bill_month ${M} and ${pieceAt(before)} and ${scope(q, 'b')}
    union all
    select s.county_code, s.product_code, v.bill_month,
      greatest(v.bill + v.adj1, 0) - greatest(v.bill + v.adj0, 0),
      least(v.paid1, greatest(v.bill + v.adj1, 0)) - least(v.paid0, greatest(v.bill + v.adj0, 0)),
      greatest(greatest(v.bill + v.adj1, 0) - v.paid1, 0) - greatest(greatest(v.bill + v.adj0, 0) - v.paid0, 0)
    from (
      select x.subscriber_id, x.bill_month, coalesce(bl.amount, 0) as bill,
        coalesce(a.adj0, 0) as adj0, coalesce(a.adj1, 0) as adj1, coalesce(p.paid0, 0) as paid0, coalesce(p.paid1, 0) as paid1
      from (
        select subscriber_id, bill_month from payments where paid_day between ${d(P)} and ${d(t)} and bill_month ${M}
        union
        select subscriber_id, bill_month from adjustments where adjusted_day between ${d(P)} and ${d(t)} and bill_month ${M}
      ) x
      left join bills bl on bl.subscriber_id = x.subscriber_id and bl.bill_month = x.bill_month
      left join (
        select subscriber_id, bill_month, sum(amount) filter (where adjusted_day < ${d(P)}) as adj0, sum(amount) as adj1
        from adjustments where bill_month ${M} and adjusted_day <= ${d(t)} group by 1, 2
      ) a on a.subscriber_id = x.subscriber_id and a.bill_month = x.bill_month
      left join lateral (
        select sum(amount) filter (where paid_day < ${d(P)}) as paid0, sum(amount) as paid1 from payments p
        where p.subscriber_id = x.subscriber_id and p.bill_month = x.bill_month and p.paid_day <= ${d(t)}
      ) p on true
    ) v join subscribers s on s.subscriber_id = v.subscriber_id
    where ${scope(q, 's')}`;
  return { detail: true, query };
}

/** Tunables (an object so tests can lower them). billMonthMaxMoved: see billMonth. */
export const AGGREGATE_LIMITS = { billMonthMaxMoved: 50_000 };

async function billMonth(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const id = q.info.id;
  const nd =
    id === 'receivable'
      ? sql`sum(b.due) as num, 0 as den`
      : id === 'current_collected'
        ? sql`sum(b.collected) as num, 0 as den`
        : sql`sum(b.collected) as num, sum(b.due) as den`;
  // one bill month: when many pairs moved in the cutoff's month (the daily collection rate of the
  // month after the bill month), re-evaluating each costs more than the detail query's hash joins
  const state = await billState(db, q, q.month, q.month, q.at, AGGREGATE_LIMITS.billMonthMaxMoved);
  if (state === null) return UNSERVABLE;
  return answer(
    db,
    q,
    ['county', 'product'],
    staleIn('metrics.bill', q.month, q.month),
    sql`select b.county_code as county, b.product_code as product, ${nd} from (${state.query}) b group by 1, 2`,
    { prepare: !state.detail },
  );
}

async function arrears(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const [lo, hi] = arrearsRange(q.info.id, q.at);
  if (lo > hi) return { rows: [], refVersion: null };
  const state = await billState(db, q, lo, hi, q.at);
  if (state === null) return UNSERVABLE;
  return answer(
    db,
    q,
    ['county', 'product', 'month'],
    staleIn('metrics.bill', lo, hi),
    sql`select b.county_code as county, b.product_code as product, to_char(b.bill_month, 'YYYY-MM') as month,
        sum(b.owed) as num, 0 as den from (${state.query}) b
      group by 1, 2, 3 having sum(b.owed) <> 0`,
    { prepare: !state.detail },
  );
}

/** A period's months as first days, for the freshness of monthly slices. */
const periodSlices = (q: ScopedQuery): [string, string] => [
  firstDay(monthOf(q.from)),
  firstDay(monthOf(q.to)),
];

async function orders(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const id = q.info.id;
  const types =
    id === 'new_installs'
      ? ['new_install']
      : id === 'disconnections'
        ? ['disconnect']
        : ['new_install', 'disconnect'];
  const sign =
    id === 'net_adds' ? sql`case when o.order_type = 'disconnect' then -o.n else o.n end` : sql`o.n`;
  const parts = byPeriod(
    q.from,
    q.to,
    { month: 'mx_orders_monthly', day: 'mx_orders_daily' },
    (p) => sql`select o.county_code, o.product_code, ${p.month('o')} as m, sum(${sign}) as num
      from ${p.table} o where ${p.within('o')} and o.order_type in (${sql.join(types)}) and ${scope(q, 'o')}
      group by 1, 2, 3`,
  );
  return answer(
    db,
    q,
    ['county', 'product', 'month'],
    staleIn('metrics.orders', ...periodSlices(q)),
    sql`select x.county_code as county, x.product_code as product, to_char(x.m, 'YYYY-MM') as month,
        x.num, 0 as den from (${parts}) x`,
  );
}

async function revenue(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  // revenue periods are whole months (checked by the query gate), so "adjusted_day ≤ to" is a month test
  return answer(
    db,
    q,
    ['county', 'product', 'month'],
    staleIn('metrics.bill', q.from, firstDay(monthOf(q.to))),
    sql`select r.county_code as county, r.product_code as product, to_char(r.bill_month, 'YYYY-MM') as month,
        sum(r.amount) as num, 0 as den from mx_revenue r
      where r.bill_month between ${d(q.from)} and ${d(q.to)}
        and (r.adj_month is null or r.adj_month <= ${d(firstDay(monthOf(q.to)))}) and ${scope(q, 'r')}
      group by 1, 2, 3`,
  );
}

async function cohort(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const stale = staleIn('metrics.subs', '1900-01-01', '1900-01-01');
  // mx_sub_month is dense from the first install month to the last event month: before it nobody is
  // active (no row), after it the count stays as it was (the last month's row, hence the clamp)
  const clamp = (m: RawBuilder<unknown>) => sql`least(${m}, (select max(month) from mx_sub_month))`;
  if (q.info.id === 'active_subscribers') {
    if (!isMonthEnd(q.at)) return UNSERVABLE;
    return answer(
      db,
      q,
      ['county', 'product'],
      stale,
      sql`select c.county_code as county, c.product_code as product, c.active_end as num, 0 as den
        from mx_sub_month c where c.month = ${clamp(d(firstDay(monthOf(q.at))))} and ${scope(q, 'c')}`,
    );
  }
  // churn over whole months: A = installed by the month before `from` and not disconnected before it
  if (!isMonthStart(q.from) || !isMonthEnd(q.to)) return UNSERVABLE;
  const rate = q.info.id === 'churn_rate';
  const lastFrom = firstDay(monthOf(q.to));
  // one month: A and the churned are the rows of the month before and of the month (none after the
  // last event month: nobody churns there)
  if (q.from === lastFrom) {
    return answer(
      db,
      q,
      ['county', 'product', 'month'],
      stale,
      sql`select a.county_code as county, a.product_code as product,
          ${q.by.includes('month') ? sql`${monthOf(q.from)}::text` : sql`null::text`} as month,
          coalesce(c.churned, 0) as num, ${rate ? sql`a.active_end` : sql`0`} as den
        from mx_sub_month a
        left join mx_sub_month c on c.month = ${d(q.from)} and c.county_code = a.county_code and c.product_code = a.product_code
        where a.month = ${clamp(d(firstDay(addMonths(monthOf(q.from), -1))))} and ${scope(q, 'a')}`,
    );
  }
  // by month: the same, month by month
  if (q.by.includes('month')) {
    return answer(
      db,
      q,
      ['county', 'product', 'month'],
      stale,
      sql`select a.county_code as county, a.product_code as product, to_char(g.m, 'YYYY-MM') as month,
          sum(coalesce(c.churned, 0)) as num, ${rate ? sql`sum(a.active_end)` : sql`0`} as den
        from generate_series(${q.from}::timestamp, ${lastFrom}::timestamp, interval '1 month') as g(m)
        join mx_sub_month a on a.month = ${clamp(sql`(g.m - interval '1 month')::date`)}
        left join mx_sub_month c on c.month = g.m::date and c.county_code = a.county_code and c.product_code = a.product_code
        where ${scope(q, 'a')}
        group by 1, 2, 3`,
    );
  }
  return answer(
    db,
    q,
    ['county', 'product', 'month'],
    stale,
    sql`select c.county_code as county, c.product_code as product, null::text as month,
        sum(case when c.disconnect_month between ${d(q.from)} and ${d(lastFrom)} then c.n else 0 end) as num,
        ${rate ? sql`sum(c.n)` : sql`0`} as den
      from mx_sub_cohort c where c.install_month < ${d(q.from)}
        and (c.disconnect_month is null or c.disconnect_month >= ${d(q.from)})
        and ${scope(q, 'c')} ${rate ? sql`` : sql`and c.disconnect_month between ${d(q.from)} and ${d(lastFrom)}`}
      group by 1, 2, 3`,
  );
}

async function zeroFee(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  if (q.n !== 3) return UNSERVABLE;
  const col = q.info.id === 'zero_fee_users' ? sql`z.users` : sql`z.activated`;
  return answer(
    db,
    q,
    ['county', 'product'],
    // a month never built has no rows, which would read as zero users
    sql`(${staleIn('metrics.zero_fee', q.month, q.month)}
      or not exists (select 1 from mx_zero_fee_months where month = ${d(q.month)}))`,
    sql`select z.county_code as county, z.product_code as product, sum(${col}) as num, 0 as den from mx_zero_fee z
      where z.month = ${d(q.month)} and ${scope(q, 'z')} group by 1, 2`,
  );
}

/** Cash figures: the sum over the day rows (x of mx_cash_daily) and over the month rows (mx_cash_monthly). */
const CASH_NUM: Record<string, Record<Grain, RawBuilder<unknown>>> = {
  cash_expected: { day: sql`sum(x.expected)`, month: sql`sum(x.expected)` },
  cash_banked: { day: sql`sum(x.banked)`, month: sql`sum(x.banked)` },
  cash_gap: { day: sql`sum(x.expected - x.banked)`, month: sql`sum(x.expected - x.banked)` },
  cash_gap_days: {
    day: sql`sum(case when x.expected <> x.banked then 1 else 0 end)`,
    month: sql`sum(x.gap_days)`,
  },
};

async function cash(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const num = CASH_NUM[q.info.id];
  if (!num) return UNSERVABLE;
  const parts = byPeriod(
    q.from,
    q.to,
    { month: 'mx_cash_monthly', day: 'mx_cash_daily' },
    (p) => sql`select x.outlet_code, ${p.month('x')} as m, ${num[p.grain]} as num
      from ${p.table} x where ${p.within('x')} group by 1, 2`,
  );
  return answer(
    db,
    q,
    ['county', 'outlet', 'month'],
    staleIn('metrics.cash', ...periodSlices(q)),
    // summed per outlet and month first (a few hundred rows), then labelled with county and month
    sql`select o.county_code as county, g.outlet_code as outlet, to_char(g.m, 'YYYY-MM') as month, g.num, 0 as den
      from (${parts}) g join outlets o on o.outlet_code = g.outlet_code
      ${q.county !== null ? sql`where o.county_code = ${q.county}` : sql``}`,
  );
}

async function terminals(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const parts = byPeriod(
    q.from,
    q.to,
    { month: 'mx_terminal_monthly', day: 'mx_terminal_recovery' },
    (p) => sql`select t.county_code, t.product_code, ${p.month('t')} as m,
        sum(t.recovered) as num, sum(t.orders) as den
      from ${p.table} t where ${p.within('t')} and ${scope(q, 't')} group by 1, 2, 3`,
  );
  return answer(
    db,
    q,
    ['county', 'product', 'month'],
    staleIn('metrics.terminals', ...periodSlices(q)),
    sql`select x.county_code as county, x.product_code as product, to_char(x.m, 'YYYY-MM') as month,
        x.num, x.den from (${parts}) x`,
  );
}

const SERVERS: Record<string, (db: Kysely<DB>, q: ScopedQuery) => Promise<Served>> = {
  receivable: billMonth,
  current_collected: billMonth,
  current_collection_rate: billMonth,
  long_term_arrears: arrears,
  arrears_aging: arrears,
  new_long_term_arrears: arrears,
  new_installs: orders,
  disconnections: orders,
  net_adds: orders,
  revenue,
  active_subscribers: cohort,
  churn_rate: cohort,
  churned: cohort,
  zero_fee_users: zeroFee,
  zero_fee_activated: zeroFee,
  cash_expected: cash,
  cash_banked: cash,
  cash_gap: cash,
  cash_gap_days: cash,
  terminal_recovery_rate: terminals,
};

/** The metric ids the aggregates can answer (for some parameters). */
export const AGGREGATED_METRICS: readonly string[] = Object.keys(SERVERS);

/** The finest-grain rows of q from the aggregates with the reference version they were read at. */
export async function serveAggregates(db: Kysely<DB>, q: ScopedQuery): Promise<Served> {
  const serve = SERVERS[q.info.id];
  return serve ? serve(db, q) : UNSERVABLE;
}

/** The finest-grain rows of q from the aggregates, or null when only the detail query can answer. */
export async function fromAggregates(db: Kysely<DB>, q: ScopedQuery): Promise<RawRow[] | null> {
  return (await serveAggregates(db, q)).rows;
}

/** Aggregates are on unless METRICS_AGGREGATES=off (a switch for comparing against the detail queries). */
export const aggregatesEnabled = (): boolean => process.env.METRICS_AGGREGATES !== 'off';
