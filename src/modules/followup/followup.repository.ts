import { sql, type Kysely } from 'kysely';
import type { DB, FollowupOutcome, FollowupReason } from '../../db/schema.js';
import { addDays, addMonths, endOfMonth, firstDay, monthOf } from '../../core/dates.js';
import { owedSelect } from '../collections/owed.sql.js';
import type { AssignmentSlots } from './followup.rules.js';

/** All SQL of the follow-up lists. The first argument is the database or the caller's transaction. */
export type CandidateParams = {
  date: string;
  county: string | null;
  arrearsThresholdFen: number;
  zeroFeeMonths: number;
  contractDays: number;
};

const countyCond = (county: string | null) => (county ? sql`s.county_code = ${county}` : sql`true`);
const activeAt = (d: string) =>
  sql`s.install_date <= ${d}::date and (s.disconnect_date is null or s.disconnect_date > ${d}::date)`;

/*
 * The candidates of each reason as one select of (grp, k, subscriber_id, county_code, reason,
 * dedupe_key, figures): `grp` and `k` order them (reason group, then its key) for the assignment.
 */

/** New single / dual stops: stop orders completed on the list date for subscribers still active. */
const stopCandidates = (p: CandidateParams) => sql`
    select 1 as grp, o.order_id as k, o.subscriber_id, s.county_code, o.order_type as reason, o.order_id as dedupe_key,
      jsonb_build_object('order_id', o.order_id, 'order_day', o.order_day::text, 'order_reason', o.reason) as figures
    from orders o join subscribers s on s.subscriber_id = o.subscriber_id
    where o.order_type in ('single_stop', 'dual_stop') and o.order_day = ${p.date}::date
      and ${activeAt(p.date)} and ${countyCond(p.county)}`;

/**
 * Zero-fee users of the last billed month m = the month before the list date (the metric's definition
 * with N months), still active on the list date. One item per subscriber and month m.
 */
function zeroFeeCandidates(p: CandidateParams) {
  const m = addMonths(monthOf(p.date), -1);
  const firstM = addMonths(m, -(p.zeroFeeMonths - 1));
  return sql`
    select 2 as grp, s.subscriber_id as k, s.subscriber_id, s.county_code, 'zero_fee' as reason, ${m}::text as dedupe_key,
      jsonb_build_object('months', ${p.zeroFeeMonths}::int, 'from_month', ${firstM}::text, 'to_month', ${m}::text) as figures
    from subscribers s
    where s.install_date < ${firstDay(firstM)}::date
      and ${activeAt(endOfMonth(m))} and ${activeAt(p.date)} and ${countyCond(p.county)}
      and not exists (
        select 1 from bills b where b.subscriber_id = s.subscriber_id and b.amount > 0
          and b.bill_month between ${firstDay(firstM)}::date and ${firstDay(m)}::date)`;
}

/** Contracts ending within the next `contractDays` days with no later contract of the subscriber. */
const contractCandidates = (p: CandidateParams) => sql`
    select 3 as grp, c.contract_id as k, c.subscriber_id, s.county_code, 'contract_ending' as reason, c.contract_id as dedupe_key,
      jsonb_build_object('contract_id', c.contract_id, 'end_date', c.end_date::text,
        'days_left', (c.end_date - ${p.date}::date)::int) as figures
    from contracts c join subscribers s on s.subscriber_id = c.subscriber_id
    where c.end_date between ${p.date}::date and ${addDays(p.date, p.contractDays)}::date
      and ${activeAt(p.date)} and ${countyCond(p.county)}
      and not exists (select 1 from contracts c2 where c2.subscriber_id = c.subscriber_id and c2.start_date > c.start_date)`;

/**
 * Arrears above the threshold: Σ owed at the list date over bill months before the list date's month
 * (months already in arrears). One item per subscriber and list month.
 */
function arrearsCandidates(p: CandidateParams) {
  const month = monthOf(p.date);
  const owed = owedSelect({ cutoff: p.date, monthTo: firstDay(addMonths(month, -1)), county: p.county });
  return sql`
    select 4 as grp, o.subscriber_id as k, o.subscriber_id, s.county_code, 'arrears' as reason, ${month}::text as dedupe_key,
      jsonb_build_object('owed', sum(o.owed)::bigint, 'months_owed', count(*) filter (where o.owed > 0)::int,
        'oldest_month', to_char(min(o.bill_month) filter (where o.owed > 0), 'YYYY-MM')) as figures
    from (${owed}) o join subscribers s on s.subscriber_id = o.subscriber_id
    group by o.subscriber_id, s.county_code
    having sum(o.owed) > ${p.arrearsThresholdFen}`;
}

/** The temporary table of one generation's candidates (dropped by dropCandidates or at commit). */
const CANDIDATES = sql.table('followup_candidates');

/**
 * Every candidate of the date into a temporary table, in the database: a city's list (a million
 * zero-fee users after a first load) never passes through this process. `fresh` marks the ones that
 * become items: no item with the same key (open or closed: never generated twice), no open item of the
 * same subscriber and reason (it carries over), and only the first of two cases of one reason for one
 * subscriber on one day. `k` numbers a county's fresh candidates in the order they are assigned.
 */
export async function stageCandidates(db: Kysely<DB>, p: CandidateParams): Promise<void> {
  await sql`drop table if exists ${CANDIDATES}`.execute(db);
  await sql`create temp table ${CANDIDATES} on commit drop as
    with c as (
      select row_number() over (order by u.grp, u.k) as ord, u.subscriber_id, u.county_code, u.reason,
        u.dedupe_key, u.figures
      from (${stopCandidates(p)} union all ${zeroFeeCandidates(p)}
        union all ${contractCandidates(p)} union all ${arrearsCandidates(p)}) u
    ),
    b as (
      select c.*, exists (select 1 from followup_items f
        where f.subscriber_id = c.subscriber_id and f.reason = c.reason
          and (f.dedupe_key = c.dedupe_key or f.status = 'open')) as blocked
      from c
    ),
    f as (
      select b.*, not b.blocked
        and row_number() over (partition by b.subscriber_id, b.reason, b.blocked order by b.ord) = 1 as fresh
      from b
    )
    select f.ord, f.subscriber_id, f.county_code, f.reason, f.dedupe_key, f.figures, f.fresh,
      row_number() over (partition by f.county_code, f.fresh order by f.ord) as k
    from f`.execute(db);
}

export async function dropCandidates(db: Kysely<DB>): Promise<void> {
  await sql`drop table if exists ${CANDIDATES}`.execute(db);
}

/** Per county with candidates: how many, and how many of them are fresh. */
export async function candidateCounts(
  db: Kysely<DB>,
): Promise<{ county_code: string; candidates: number; fresh: number }[]> {
  const r = await sql<{ county_code: string; candidates: number; fresh: number }>`
    select county_code, count(*)::int as candidates, count(*) filter (where fresh)::int as fresh
    from ${CANDIDATES} group by county_code order by county_code`.execute(db);
  return r.rows;
}

/**
 * Insert a county's fresh candidates as items of the list date; the k-th goes to `slots`' k-th user
 * (followup.rules.ts assignmentSlots: each user's free places from their open load up to `level`, in
 * (place, user) order), or to no one when the county has no users. A key that exists already (a
 * concurrent run) is skipped by the database. Returns how many were created.
 */
export async function insertFresh(
  db: Kysely<DB>,
  p: { county: string; date: string; slots: AssignmentSlots | null },
): Promise<number> {
  const assignee =
    p.slots === null
      ? { join: sql``, col: sql`null::text` }
      : {
          join: sql`left join (
              select u.username, row_number() over (order by l, u.idx) as k
              from (values ${sql.join(p.slots.users.map((u, i) => sql`(${u.username}::text, ${u.load}::bigint, ${i}::int)`))}) u(username, load, idx),
                generate_series(u.load, ${p.slots.level}::bigint) l
            ) a on a.k = c.k`,
          col: sql`a.username`,
        };
  const r = await sql<{ n: number }>`
    with ins as (
      insert into followup_items (list_date, subscriber_id, county_code, reason, dedupe_key, figures, assignee)
      select ${p.date}::date, c.subscriber_id, c.county_code, c.reason, c.dedupe_key, c.figures, ${assignee.col}
      from ${CANDIDATES} c ${assignee.join}
      where c.fresh and c.county_code = ${p.county}
      order by c.ord
      on conflict (subscriber_id, reason, dedupe_key) do nothing
      returning 1
    )
    select count(*)::int as n from ins`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Active county users who work the lists. */
export async function countyWorkers(db: Kysely<DB>, county: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('county_code', '=', county)
    .where('role', '=', 'county_manager')
    .where('disabled', '=', false)
    .orderBy('username')
    .execute();
  return rows.map((r) => r.username);
}

export async function openCountsByAssignee(db: Kysely<DB>, county: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('followup_items')
    .select(['assignee', (eb) => eb.fn.countAll<number>().as('n')])
    .where('county_code', '=', county)
    .where('status', '=', 'open')
    .where('assignee', 'is not', null)
    .groupBy('assignee')
    .execute();
  return new Map(rows.map((r) => [r.assignee as string, Number(r.n)]));
}

export type ItemRow = {
  item_id: number;
  list_date: string;
  subscriber_id: string;
  county_code: string;
  reason: FollowupReason;
  figures: unknown;
  assignee: string | null;
  status: 'open' | 'closed';
  outcome: FollowupOutcome | null;
  note: string | null;
  outcome_at: string | null;
  outcome_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  auto_close: unknown;
  customer_name: string;
  phone: string | null;
  account_id: string;
  product_code: string;
};

const itemColumns = [
  'f.item_id',
  'f.list_date',
  'f.subscriber_id',
  'f.county_code',
  'f.reason',
  'f.figures',
  'f.assignee',
  'f.status',
  'f.outcome',
  'f.note',
  'f.outcome_at',
  'f.outcome_by',
  'f.closed_at',
  'f.closed_by',
  'f.auto_close',
  's.customer_name',
  's.phone',
  's.account_id',
  's.product_code',
] as const;

/**
 * A county's list on a date: items generated on or before it that were still open on it (open now,
 * or closed on or after that date), oldest first.
 */
export async function listItems(
  db: Kysely<DB>,
  q: {
    date: string;
    county: string | null;
    assignee?: string;
    status?: 'open' | 'closed';
    reason?: FollowupReason;
  },
): Promise<ItemRow[]> {
  let query = db
    .selectFrom('followup_items as f')
    .innerJoin('subscribers as s', 's.subscriber_id', 'f.subscriber_id')
    .select(itemColumns)
    .where('f.list_date', '<=', q.date)
    .where((eb) =>
      eb.or([
        eb('f.status', '=', 'open'),
        eb(sql<string>`(f.closed_at at time zone 'Asia/Shanghai')::date`, '>=', sql<string>`${q.date}::date`),
      ]),
    );
  if (q.county) query = query.where('f.county_code', '=', q.county);
  if (q.assignee) query = query.where('f.assignee', '=', q.assignee);
  if (q.status) query = query.where('f.status', '=', q.status);
  if (q.reason) query = query.where('f.reason', '=', q.reason);
  const rows = await query.orderBy('f.county_code').orderBy('f.list_date').orderBy('f.item_id').execute();
  return rows.map((r) => ({ ...r, item_id: Number(r.item_id) }));
}

export async function getItemsForUpdate(db: Kysely<DB>, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('followup_items')
    .select(['item_id', 'county_code', 'status', 'outcome', 'note', 'assignee', 'subscriber_id', 'reason'])
    .where('item_id', 'in', ids)
    .forUpdate()
    .execute();
  return rows.map((r) => ({ ...r, item_id: Number(r.item_id) }));
}

export async function setOutcome(
  db: Kysely<DB>,
  id: number,
  v: { outcome: FollowupOutcome; note: string | null; by: string },
): Promise<void> {
  await db
    .updateTable('followup_items')
    .set({
      outcome: v.outcome,
      note: v.note,
      outcome_at: new Date(),
      outcome_by: v.by,
      status: 'closed',
      // an item closed earlier keeps its first closing time and closer
      closed_at: sql<string>`coalesce(closed_at, now())`,
      closed_by: sql<string>`coalesce(closed_by, ${v.by})`,
    })
    .where('item_id', '=', id)
    .execute();
}

export type StatRow = {
  county_code: string;
  assignee: string | null;
  total: number;
  closed: number;
  with_outcome: number;
  success: number;
  auto_closed: number;
};

/** Completion and success per county and assignee for items generated in [from, to]. */
export async function stats(
  db: Kysely<DB>,
  q: { from: string; to: string; county: string | null },
): Promise<StatRow[]> {
  const r = await sql<StatRow>`
    select county_code, assignee, count(*)::int as total,
      count(*) filter (where status = 'closed')::int as closed,
      count(*) filter (where outcome is not null)::int as with_outcome,
      count(*) filter (where outcome in ('paid', 'renewed')
        or (auto_close->>'kind') in ('payment', 'renewal', 'resume', 'activated'))::int as success,
      count(*) filter (where auto_close is not null)::int as auto_closed
    from followup_items
    where list_date between ${q.from}::date and ${q.to}::date
      and ${q.county ? sql`county_code = ${q.county}` : sql`true`}
    group by county_code, assignee
    order by county_code, assignee nulls last`.execute(db);
  return r.rows;
}
