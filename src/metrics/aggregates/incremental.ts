import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { onBatchApplied, type BatchChange } from '../../ingest/hooks.js';
import { DATASETS } from '../../datasets/index.js';
import { localDate } from '../../ingest/pipeline/change.js';
import { cashOfDays, lockAggregates, runningState } from './refresh.js';

/*
 * Incremental maintenance of the bill-month and cash aggregates inside an import batch's own
 * transaction, for batches that touch few rows (a day of payments, a week of adjustments): instead of
 * recomputing whole months after the commit (src/metrics/aggregates/refresh.ts), the hook
 *
 *  - bill family: rebuilds the piecewise state (see refreshBill) of exactly the (subscriber, bill month)
 *    pairs the batch touched twice — as it was before the batch (the table's rows of other batches plus
 *    the versions this batch replaced, from import_row_versions) and as it is now — and adds the
 *    difference to mx_bill_state / mx_revenue; mx_bill_lastday only ever grows (an overstated last day
 *    makes fewer cutoffs servable from the pieces, never a wrong figure);
 *  - cash family: recomputes the outlet-days of the days the batch touched;
 *
 * then clears the stale marks that this transaction's own triggers set for those slices. Marks left
 * by earlier writes stay for the full refresh. Big batches (a month of bills) keep the marks and are
 * refreshed after the commit, where a whole-month recompute is cheaper than two images of every pair.
 * The refresh and this hook take the same advisory lock, so their writes to a slice never interleave.
 */

/** Batches with more staged rows than this are left to the after-commit refresh. */
export const MAX_INCREMENTAL_ROWS = 100_000;

const BILL_DATASETS = new Set(['bills', 'payments', 'adjustments']);
const CASH_DATASETS = new Set(['payments', 'refunds', 'cash_deposits']);

export type IncrementalReport = {
  dataset: string;
  rows: number;
  pairs: number;
  days: number;
  ms: number;
  /** milliseconds per step, for diagnostics */
  steps: Record<string, number>;
};

let steps: Record<string, number> = {};
let stepAt = 0;
const step = (name: string) => {
  const now = performance.now();
  steps[name] = Math.round(now - stepAt);
  stepAt = now;
};
let last: IncrementalReport | null = null;

/** The report of this process's latest in-transaction maintenance (benchmarks, diagnostics). */
export const lastIncremental = (): IncrementalReport | null => last;

type EventTable = 'bills' | 'payments' | 'adjustments';

/** A replaced version's event month (import_row_versions.previous, aliased `v`). */
const JSON_E: Record<EventTable, RawBuilder<unknown>> = {
  bills: sql`null::date`,
  adjustments: sql`date_trunc('month', (v.previous->>'adjusted_day')::date)::date`,
  payments: sql`date_trunc('month', (v.previous->>'paid_day')::date)::date`,
};

/** A replaced version's (bill, adj, paid). */
const JSON_COLS: Record<EventTable, RawBuilder<unknown>> = {
  bills: sql`(v.previous->>'amount')::bigint, 0::bigint, 0::bigint`,
  adjustments: sql`0::bigint, (v.previous->>'amount')::bigint, 0::bigint`,
  payments: sql`0::bigint, 0::bigint, (v.previous->>'amount')::bigint`,
};

/**
 * The stored rows of every pair in mx_inc_pairs, from the three tables, as events (e = event month,
 * null for the bill). One index probe per pair and table (lateral): a batch of a few thousand pairs
 * must not scan millions of payments.
 */
const CURRENT_ROWS = sql`
  create temp table mx_inc_rows on commit drop as
  select p.pid, x.src, x.e, x.bill, x.adj, x.paid, x.batch_id
  from mx_inc_pairs p cross join lateral (
    select 'bills' as src, null::date as e, b.amount as bill, 0::bigint as adj, 0::bigint as paid, b.batch_id
    from bills b where b.subscriber_id = p.subscriber_id and b.bill_month = p.bill_month
    union all
    select 'adjustments', date_trunc('month', a.adjusted_day)::date, 0, a.amount, 0, a.batch_id
    from adjustments a where a.bill_month = p.bill_month and a.subscriber_id = p.subscriber_id
    union all
    select 'payments', date_trunc('month', y.paid_day)::date, 0, 0, y.amount, y.batch_id
    from payments y where y.bill_month = p.bill_month and y.subscriber_id = p.subscriber_id
  ) x`;

/**
 * Events of every pair on both sides: side +1 = now (every stored row), side −1 = before the batch
 * (the stored rows the batch did not write, plus the versions it replaced).
 */
function events(table: EventTable, batchId: number): RawBuilder<unknown> {
  return sql`
    select 1 as side, pid, e, bill, adj, paid from mx_inc_rows
    union all
    select -1, pid, e, bill, adj, paid from mx_inc_rows
    where src <> ${table} or batch_id is distinct from ${batchId}
    union all
    select -1, p.pid, ${JSON_E[table]}, ${JSON_COLS[table]}
    from import_row_versions v join mx_inc_pairs p
      on p.subscriber_id = v.previous->>'subscriber_id' and p.bill_month = (v.previous->>'bill_month')::date
    where v.batch_id = ${batchId}`;
}

async function billDelta(trx: Transaction<DB>, table: EventTable, change: BatchChange): Promise<number> {
  const staged = sql.table(change.staged as string);
  const B = change.batchId;
  // each pair with its subscriber's county and product (one index probe per subscriber, not a join
  // over the whole master)
  // pid: a small integer per pair, so the events are grouped and sorted by an int, not text + date
  await sql`create temp table mx_inc_pairs on commit drop as
    select row_number() over (order by x.bill_month, x.subscriber_id) as pid,
      x.subscriber_id, x.bill_month, s.county_code, s.product_code from (
      select distinct subscriber_id, bill_month from (
        select subscriber_id, bill_month from ${staged}
        union all
        select previous->>'subscriber_id', (previous->>'bill_month')::date from import_row_versions where batch_id = ${B}
      ) u where bill_month is not null
      order by subscriber_id, bill_month
    ) x cross join lateral (
      select county_code, product_code from subscribers s where s.subscriber_id = x.subscriber_id
    ) s
    order by x.bill_month, x.subscriber_id`.execute(trx);
  await sql`analyze mx_inc_pairs`.execute(trx);
  step('pairs');
  await CURRENT_ROWS.execute(trx);
  await sql`analyze mx_inc_rows`.execute(trx);
  step('rows');
  const months = sql`select distinct bill_month from mx_inc_pairs`;

  await sql`
    insert into mx_bill_state (bill_month, county_code, product_code, valid_from, valid_to, due, collected, owed)
    with g as (
      select side, pid, e, sum(bill)::bigint as bill, sum(adj)::bigint as adj, sum(paid)::bigint as paid
      from (${events(table, B)}) ev (side, pid, e, bill, adj, paid)
      group by side, pid, e
    ),
    c as (${runningState(sql`side, pid`)})
    select s.bill_month, s.county_code, s.product_code, c.e, (c.next_e - interval '1 month')::date,
      sum(c.side * c.due)::bigint, sum(c.side * least(c.paid, c.due))::bigint,
      sum(c.side * greatest(c.due - c.paid, 0))::bigint
    from c join mx_inc_pairs s on s.pid = c.pid
    group by 1, 2, 3, 4, 5`.execute(trx);
  step('state');
  // fold the differences into the month's rows (a few thousand per month) and drop what cancelled out
  await sql`create temp table mx_inc_fold on commit drop as
    select bill_month, county_code, product_code, valid_from, valid_to,
      sum(due)::bigint as due, sum(collected)::bigint as collected, sum(owed)::bigint as owed
    from mx_bill_state where bill_month in (${months}) group by 1, 2, 3, 4, 5`.execute(trx);
  await sql`delete from mx_bill_state where bill_month in (${months})`.execute(trx);
  await sql`insert into mx_bill_state (bill_month, county_code, product_code, valid_from, valid_to, due, collected, owed)
    select * from mx_inc_fold where due <> 0 or collected <> 0 or owed <> 0`.execute(trx);
  step('fold');

  if (table !== 'payments') {
    // revenue: bills (no adjustment month) and adjustments (by adjustment month), linear in the rows
    await sql`
      insert into mx_revenue (bill_month, adj_month, county_code, product_code, amount)
      select s.bill_month, r.adj_month, s.county_code, s.product_code, sum(r.amount)::bigint from (
        select pid, e as adj_month, bill + adj as amount from mx_inc_rows where src = ${table} and batch_id = ${B}
        union all
        select p.pid, ${JSON_E[table]}, -(v.previous->>'amount')::bigint
        from import_row_versions v join mx_inc_pairs p
          on p.subscriber_id = v.previous->>'subscriber_id' and p.bill_month = (v.previous->>'bill_month')::date
        where v.batch_id = ${B}
      ) r join mx_inc_pairs s on s.pid = r.pid
      group by 1, 2, 3, 4`.execute(trx);
    await sql`create temp table mx_inc_rev on commit drop as
      select bill_month, adj_month, county_code, product_code, sum(amount)::bigint as amount
      from mx_revenue where bill_month in (${months}) group by 1, 2, 3, 4`.execute(trx);
    await sql`delete from mx_revenue where bill_month in (${months})`.execute(trx);
    await sql`insert into mx_revenue (bill_month, adj_month, county_code, product_code, amount)
      select * from mx_inc_rev where amount <> 0`.execute(trx);
  }
  if (table !== 'bills') await lastDays(trx, change.staged as string, table);
  step('revenue+lastday');

  const n = await sql<{ n: number }>`select count(*)::int as n from mx_inc_pairs`.execute(trx);
  await sql`delete from derived_stale where family = 'metrics.bill' and marked_xid = pg_current_xact_id()
    and period in (${months})`.execute(trx);
  return n.rows[0]?.n ?? 0;
}

/**
 * The local day of a staged row (alias `s`): staging holds the typed columns, not the tables'
 * generated day columns, so it is computed the way those are.
 */
function stagedDay(dataset: BatchChange['dataset']): RawBuilder<unknown> {
  const day = localDate(DATASETS[dataset], 's');
  if (day === null) throw new Error(`${dataset} has no time column`);
  return day;
}

/**
 * The last event day per (bill month, event month) only grows (see the module comment): the staged
 * rows' days are enough — rows the batch left unchanged were counted when they landed.
 */
async function lastDays(
  trx: Transaction<DB>,
  staged: string,
  table: 'payments' | 'adjustments',
): Promise<void> {
  const day = stagedDay(table);
  await sql`
    insert into mx_bill_lastday (bill_month, event_month, last_day)
    select s.bill_month, date_trunc('month', ${day})::date, max(${day}) from ${sql.table(staged)} s
    where s.bill_month is not null group by 1, 2
    on conflict (bill_month, event_month) do update set last_day = greatest(mx_bill_lastday.last_day, excluded.last_day)`.execute(
    trx,
  );
}

/** Outlet-day cash of the days the batch's rows (new and replaced versions) fall on. */
async function cashDays(trx: Transaction<DB>, change: BatchChange): Promise<number> {
  const staged = sql.table(change.staged as string);
  const B = change.batchId;
  // a replaced version carries the table's generated local day
  const jsonDay =
    change.dataset === 'payments'
      ? sql`(previous->>'paid_day')::date`
      : change.dataset === 'refunds'
        ? sql`(previous->>'refunded_day')::date`
        : sql`(previous->>'business_date')::date`;
  await sql`create temp table mx_inc_days on commit drop as
    select distinct day from (
      select ${stagedDay(change.dataset)} as day from ${staged} s
      union all select ${jsonDay} from import_row_versions where batch_id = ${B}
    ) x where day is not null`.execute(trx);
  const days = sql`select day from mx_inc_days`;
  await sql`delete from mx_cash_daily where day in (${days})`.execute(trx);
  // per day through the day indexes (lateral): one day of payments, not the whole table
  await sql`
    insert into mx_cash_daily (outlet_code, day, expected, banked)
    select u.outlet_code, u.day, sum(u.expected)::bigint, sum(u.banked)::bigint from mx_inc_days dd
    cross join lateral (${cashOfDays((day) => sql`${day} = dd.day`)}) u group by 1, 2`.execute(trx);
  const n = await sql<{ n: number }>`select count(*)::int as n from mx_inc_days`.execute(trx);
  await sql`delete from derived_stale where family = 'metrics.cash' and marked_xid = pg_current_xact_id()
    and period in (select distinct date_trunc('month', day)::date from mx_inc_days)`.execute(trx);
  return n.rows[0]?.n ?? 0;
}

/** The batch hook: small batches of bill/cash datasets are folded in here, the rest after the commit. */
export async function maintainIncrementally(trx: Transaction<DB>, change: BatchChange): Promise<void> {
  const bill = BILL_DATASETS.has(change.dataset);
  const cash = CASH_DATASETS.has(change.dataset);
  if (change.action !== 'apply' || !change.staged || (!bill && !cash)) return;
  const t0 = performance.now();
  steps = {};
  stepAt = t0;
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(change.staged)}`.execute(trx);
  const rows = r.rows[0]?.n ?? 0;
  if (rows > MAX_INCREMENTAL_ROWS) return;
  await lockAggregates(trx);
  step('lock');
  // the pairs' events are sorted for the running sums: in memory, not in temp files
  await sql`set local work_mem = '64MB'`.execute(trx);
  const pairs = bill ? await billDelta(trx, change.dataset as EventTable, change) : 0;
  const days = cash ? await cashDays(trx, change) : 0;
  step('cash');
  await sql`drop table if exists mx_inc_pairs, mx_inc_rows, mx_inc_fold, mx_inc_rev, mx_inc_days`.execute(
    trx,
  );
  last = { dataset: change.dataset, rows, pairs, days, ms: performance.now() - t0, steps };
}

onBatchApplied(maintainIncrementally);
