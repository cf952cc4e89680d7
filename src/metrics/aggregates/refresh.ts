import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { addMonths, endOfMonth, firstDay, monthOf } from '../../core/dates.js';
import { recoversTerminal } from '../terminals.metrics.js';

/*
 * Recompute the aggregate slices the source-table triggers marked stale (derived_stale, family
 * 'metrics.*', period = first day of a month) and clear the marks, all on the caller's connection or
 * transaction. The import hook runs it inside the import transaction; benchmarks and maintenance
 * call it directly.
 */

export type RefreshReport = { slices: Record<string, number>; ms: number };

/** Advisory lock key of the aggregate writers (any constant): the refresh and the in-batch maintenance. */
export const AGGREGATE_LOCK = 7_245_001;

/** Serialize writers of the aggregates until the end of the caller's transaction. */
export const lockAggregates = (db: Kysely<DB>) =>
  sql`select pg_advisory_xact_lock(${AGGREGATE_LOCK})`.execute(db);

const d = (v: string): RawBuilder<unknown> => sql`${v}::date`;
const inList = (months: readonly string[]) => sql.join(months.map(d));

async function marked(db: Kysely<DB>): Promise<Map<string, string[]>> {
  const r = await sql<{ family: string; period: string }>`
    select family, period::text as period from derived_stale where family like 'metrics.%' order by family, period`.execute(
    db,
  );
  const out = new Map<string, string[]>();
  for (const row of r.rows) out.set(row.family, [...(out.get(row.family) ?? []), row.period]);
  return out;
}

const clear = (db: Kysely<DB>, family: string, months: readonly string[]) =>
  sql`delete from derived_stale where family = ${family} and period in (${inList(months)})`.execute(db);

/**
 * The state of each (subscriber, bill month) — identified by `key` — after each event month e of the
 * CTE `g` (columns key, e, bill, adj, paid; e null = the bill, before everything): due = bill +
 * adjustments so far floored at 0, paid so far, and the next event month (the state holds from e to the
 * month before it). The one definition of a piece, shared by the refresh and the in-batch fold.
 */
export const runningState = (key: RawBuilder<unknown>): RawBuilder<unknown> => sql`
  select ${key}, e,
    lead(e) over (partition by ${key} order by e nulls first) as next_e,
    greatest(sum(bill + adj) over w, 0) as due, sum(paid) over w as paid
  from g window w as (partition by ${key} order by e nulls first rows unbounded preceding)`;

/**
 * Bill months: per (subscriber, bill month) the running due/paid after each month in which something
 * happened (bill = before everything, adjustments by adjusted month, payments by paid month) — a
 * piecewise-constant state valid from that month to the month before the next event — summed per
 * (county, product, bill month, validity). Any month-end cutoff reads one piece per group. Also the
 * last event day per (bill month, event month), which decides whether a mid-month cutoff equals its
 * month end, and revenue per (bill month, adjustment month).
 */
async function refreshBill(db: Kysely<DB>, months: readonly string[]): Promise<void> {
  const M = inList(months);
  await sql`delete from mx_bill_state where bill_month in (${M})`.execute(db);
  await sql`delete from mx_bill_lastday where bill_month in (${M})`.execute(db);
  await sql`delete from mx_revenue where bill_month in (${M})`.execute(db);
  await sql`
    insert into mx_bill_state (bill_month, county_code, product_code, valid_from, valid_to, due, collected, owed)
    with g as (
      select subscriber_id, bill_month, e, sum(bill)::bigint as bill, sum(adj)::bigint as adj, sum(paid)::bigint as paid
      from (
        select subscriber_id, bill_month, null::date as e, amount as bill, 0::bigint as adj, 0::bigint as paid
        from bills where bill_month in (${M})
        union all
        select subscriber_id, bill_month, date_trunc('month', adjusted_day)::date, 0, amount, 0
        from adjustments where bill_month in (${M})
        union all
        select subscriber_id, bill_month, date_trunc('month', paid_day)::date, 0, 0, amount
        from payments where bill_month in (${M})
      ) x group by subscriber_id, bill_month, e
    ),
    c as (${runningState(sql`subscriber_id, bill_month`)})
    select c.bill_month, s.county_code, s.product_code, c.e, (c.next_e - interval '1 month')::date,
      sum(c.due)::bigint, sum(least(c.paid, c.due))::bigint, sum(greatest(c.due - c.paid, 0))::bigint
    from c join subscribers s on s.subscriber_id = c.subscriber_id
    group by 1, 2, 3, 4, 5`.execute(db);
  await sql`
    insert into mx_bill_lastday (bill_month, event_month, last_day)
    select bill_month, date_trunc('month', day)::date, max(day) from (
      select bill_month, adjusted_day as day from adjustments where bill_month in (${M})
      union all select bill_month, paid_day from payments where bill_month in (${M})
    ) x group by 1, 2`.execute(db);
  await sql`
    insert into mx_revenue (bill_month, adj_month, county_code, product_code, amount)
    select x.bill_month, x.adj_month, s.county_code, s.product_code, sum(x.amount)::bigint from (
      select subscriber_id, bill_month, null::date as adj_month, amount from bills where bill_month in (${M})
      union all
      select subscriber_id, bill_month, date_trunc('month', adjusted_day)::date, amount from adjustments where bill_month in (${M})
    ) x join subscribers s on s.subscriber_id = x.subscriber_id
    group by 1, 2, 3, 4`.execute(db);
  await clear(db, 'metrics.bill', months);
}

/** Orders per (day, type, county, product) for the order-count metrics. */
async function refreshOrders(db: Kysely<DB>, months: readonly string[]): Promise<void> {
  for (const m of months) {
    const lo = m;
    const hi = endOfMonth(monthOf(m));
    await sql`delete from mx_orders_daily where day between ${d(lo)} and ${d(hi)}`.execute(db);
    await sql`
      insert into mx_orders_daily (day, order_type, county_code, product_code, n)
      select o.order_day, o.order_type, s.county_code, s.product_code, count(*)
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      where o.order_type in ('new_install', 'disconnect') and o.order_day between ${d(lo)} and ${d(hi)}
      group by 1, 2, 3, 4`.execute(db);
  }
  await clear(db, 'metrics.orders', months);
}

/**
 * Terminal recovery per (disconnect day, county, product): disconnect orders of products that need a
 * terminal and those with a recover_in move from 7 days before to 30 days after (the metric's records).
 */
async function refreshTerminals(db: Kysely<DB>, months: readonly string[]): Promise<void> {
  for (const m of months) {
    const lo = d(m);
    const hi = d(endOfMonth(monthOf(m)));
    await sql`delete from mx_terminal_recovery where day between ${lo} and ${hi}`.execute(db);
    await sql`
      insert into mx_terminal_recovery (day, county_code, product_code, orders, recovered)
      select o.order_day, s.county_code, s.product_code, count(*),
        count(*) filter (where exists (select 1 from stock_moves m where ${recoversTerminal('m', 'o')}))
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      join products p on p.product_code = s.product_code and p.needs_terminal
      where o.order_type = 'disconnect' and o.order_day between ${lo} and ${hi}
      group by 1, 2, 3`.execute(db);
  }
  await clear(db, 'metrics.terminals', months);
}

/**
 * The cash movements of the days `on` selects (a test on each source's local day column): cash
 * payments and cash refunds taken at an outlet (expected), and what the outlets banked. Summed per
 * outlet and day into mx_cash_daily by the refresh and by the in-batch fold.
 */
export const cashOfDays = (on: (day: RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> => sql`
  select p.outlet_code, p.paid_day as day, p.amount as expected, 0::bigint as banked
  from payments p where ${on(sql`p.paid_day`)} and p.channel = 'cash' and p.outlet_code is not null
  union all
  select r.outlet_code, r.refunded_day, -r.amount, 0
  from refunds r where ${on(sql`r.refunded_day`)} and r.channel = 'cash' and r.outlet_code is not null
  union all
  select c.outlet_code, c.business_date, 0, c.amount from cash_deposits c where ${on(sql`c.business_date`)}`;

/** Cash per outlet-day: cash payments − cash refunds taken at the outlet, and what it banked. */
async function refreshCash(db: Kysely<DB>, months: readonly string[]): Promise<void> {
  for (const m of months) {
    const lo = d(m);
    const hi = d(endOfMonth(monthOf(m)));
    await sql`delete from mx_cash_daily where day between ${lo} and ${hi}`.execute(db);
    await sql`
      insert into mx_cash_daily (outlet_code, day, expected, banked)
      select u.outlet_code, u.day, sum(u.expected)::bigint, sum(u.banked)::bigint
      from (${cashOfDays((day) => sql`${day} between ${lo} and ${hi}`)}) u group by 1, 2`.execute(db);
  }
  await clear(db, 'metrics.cash', months);
}

/** Subscribers per (county, product, install month, disconnect month): active at month ends, churn. */
async function refreshCohort(db: Kysely<DB>): Promise<void> {
  await sql`delete from mx_sub_cohort`.execute(db);
  await sql`
    insert into mx_sub_cohort (county_code, product_code, install_month, disconnect_month, n)
    select county_code, product_code, date_trunc('month', install_date)::date,
      date_trunc('month', disconnect_date)::date, count(*)
    from subscribers group by 1, 2, 3, 4`.execute(db);
  // a cohort is active in [install month, out) with out = its disconnect month (never before the
  // install month); it churned in its disconnect month when installed before it
  await sql`delete from mx_sub_month`.execute(db);
  await sql`
    insert into mx_sub_month (month, county_code, product_code, active_end, churned)
    with ev as (
      select county_code, product_code, install_month as m, n as d, 0::bigint as ch from mx_sub_cohort
      union all
      select county_code, product_code, greatest(install_month, disconnect_month), -n, 0 from mx_sub_cohort
      where disconnect_month is not null
      union all
      select county_code, product_code, disconnect_month, 0, n from mx_sub_cohort where install_month < disconnect_month
    ),
    span as (select min(m) as lo, max(m) as hi from ev),
    grid as (
      select g.m::date as m, k.county_code, k.product_code
      from span, generate_series(span.lo, span.hi, interval '1 month') g(m),
        (select distinct county_code, product_code from mx_sub_cohort) k
    )
    select grid.m, grid.county_code, grid.product_code,
      sum(coalesce(e.d, 0)) over (partition by grid.county_code, grid.product_code order by grid.m),
      coalesce(e.ch, 0)
    from grid left join (
      select county_code, product_code, m, sum(d)::bigint as d, sum(ch)::bigint as ch from ev group by 1, 2, 3
    ) e on e.m = grid.m and e.county_code = grid.county_code and e.product_code = grid.product_code`.execute(
    db,
  );
  await clear(db, 'metrics.subs', ['1900-01-01']);
}

/** Zero-fee users (N = 3) at month m, and those of m − 1 activated in m (a bill > 0 in m). */
async function refreshZeroFee(db: Kysely<DB>, months: readonly string[]): Promise<void> {
  for (const m of months) {
    const mm = monthOf(m);
    const zf = (k: string) => {
      const w0 = firstDay(addMonths(k, -2));
      return sql`s.install_date < ${d(w0)} and (s.disconnect_date is null or s.disconnect_date > ${d(endOfMonth(k))})
        and not exists (select 1 from bills b where b.subscriber_id = s.subscriber_id
          and b.bill_month between ${d(w0)} and ${d(firstDay(k))} and b.amount > 0)`;
    };
    const prev = addMonths(mm, -1);
    await sql`delete from mx_zero_fee where month = ${d(m)}`.execute(db);
    await sql`
      insert into mx_zero_fee (month, county_code, product_code, users, activated)
      select ${d(m)}, county_code, product_code, sum(u)::bigint, sum(a)::bigint from (
        select s.county_code, s.product_code, 1 as u, 0 as a from subscribers s where ${zf(mm)}
        union all
        select s.county_code, s.product_code, 0, 1 from subscribers s
        join bills b on b.subscriber_id = s.subscriber_id and b.bill_month = ${d(m)} and b.amount > 0
        where ${zf(prev)}
      ) x group by county_code, product_code`.execute(db);
    await sql`insert into mx_zero_fee_months (month) values (${d(m)}) on conflict do nothing`.execute(db);
  }
  await clear(db, 'metrics.zero_fee', months);
}

/**
 * Mark every slice of the present data stale (a full rebuild on the next refresh): for data loaded with
 * the triggers off (session_replication_role = replica, bulk loads) or to rebuild from scratch.
 */
export async function markAllStale(db: Kysely<DB>): Promise<void> {
  await sql`
    insert into derived_stale (family, period)
      select 'metrics.bill', bill_month from bills union select 'metrics.bill', bill_month from adjustments
      union select 'metrics.bill', bill_month from payments where bill_month is not null
      union select 'metrics.zero_fee', (bill_month + make_interval(months => g))::date
        from (select distinct bill_month from bills) b, generate_series(0, 3) g
      union select 'metrics.orders', date_trunc('month', order_day)::date from orders
      union select 'metrics.cash', date_trunc('month', paid_day)::date from payments where channel = 'cash' and outlet_code is not null
      union select 'metrics.cash', date_trunc('month', refunded_day)::date from refunds where channel = 'cash' and outlet_code is not null
      union select 'metrics.cash', date_trunc('month', business_date)::date from cash_deposits
      union select 'metrics.subs', '1900-01-01'::date where exists (select 1 from subscribers)
      union select 'metrics.terminals', date_trunc('month', order_day)::date from orders where order_type = 'disconnect'
    on conflict do nothing`.execute(db);
}

/**
 * Bring every marked slice up to date. Cheap when nothing is marked (one indexed read), so the import
 * hook calls it after every batch.
 */
export async function refreshMetricAggregates(db: Kysely<DB>): Promise<RefreshReport> {
  const t0 = performance.now();
  await lockAggregates(db);
  const marks = await marked(db);
  const slices: Record<string, number> = {};
  for (const [family, months] of marks) {
    slices[family] = months.length;
    if (family === 'metrics.bill') await refreshBill(db, months);
    else if (family === 'metrics.orders') await refreshOrders(db, months);
    else if (family === 'metrics.cash') await refreshCash(db, months);
    else if (family === 'metrics.subs') await refreshCohort(db);
    else if (family === 'metrics.zero_fee') await refreshZeroFee(db, months);
    else if (family === 'metrics.terminals') await refreshTerminals(db, months);
  }
  return { slices, ms: performance.now() - t0 };
}
