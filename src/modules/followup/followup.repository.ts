import { sql, type Kysely } from 'kysely';
import type { DB, FollowupOutcome, FollowupReason } from '../../db/schema.js';
import { addDays, addMonths, endOfMonth, firstDay, monthOf } from '../../core/dates.js';
import { owedSelect } from '../collections/owed.sql.js';

/** All SQL of the follow-up lists. The first argument is the database or the caller's transaction. */
export type Candidate = {
  subscriber_id: string;
  county_code: string;
  reason: FollowupReason;
  dedupe_key: string;
  figures: Record<string, unknown>;
};

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

/** New single / dual stops: stop orders completed on the list date for subscribers still active. */
async function stopCandidates(db: Kysely<DB>, p: CandidateParams): Promise<Candidate[]> {
  const r = await sql<{
    subscriber_id: string;
    county_code: string;
    order_type: 'single_stop' | 'dual_stop';
    order_id: string;
    order_day: string;
    order_reason: string | null;
  }>`
    select o.subscriber_id, s.county_code, o.order_type, o.order_id, o.order_day::text as order_day, o.reason as order_reason
    from orders o join subscribers s on s.subscriber_id = o.subscriber_id
    where o.order_type in ('single_stop', 'dual_stop') and o.order_day = ${p.date}::date
      and ${activeAt(p.date)} and ${countyCond(p.county)}
    order by o.order_id`.execute(db);
  return r.rows.map((o) => ({
    subscriber_id: o.subscriber_id,
    county_code: o.county_code,
    reason: o.order_type,
    dedupe_key: o.order_id,
    figures: { order_id: o.order_id, order_day: o.order_day, order_reason: o.order_reason },
  }));
}

/**
 * Zero-fee users of the last billed month m = the month before the list date (the metric's definition
 * with N months), still active on the list date. One item per subscriber and month m.
 */
async function zeroFeeCandidates(db: Kysely<DB>, p: CandidateParams): Promise<Candidate[]> {
  const m = addMonths(monthOf(p.date), -1);
  const firstM = addMonths(m, -(p.zeroFeeMonths - 1));
  const r = await sql<{ subscriber_id: string; county_code: string }>`
    select s.subscriber_id, s.county_code from subscribers s
    where s.install_date < ${firstDay(firstM)}::date
      and ${activeAt(endOfMonth(m))} and ${activeAt(p.date)} and ${countyCond(p.county)}
      and not exists (
        select 1 from bills b where b.subscriber_id = s.subscriber_id and b.amount > 0
          and b.bill_month between ${firstDay(firstM)}::date and ${firstDay(m)}::date)
    order by s.subscriber_id`.execute(db);
  return r.rows.map((s) => ({
    ...s,
    reason: 'zero_fee' as const,
    dedupe_key: m,
    figures: { months: p.zeroFeeMonths, from_month: firstM, to_month: m },
  }));
}

/** Contracts ending within the next `contractDays` days with no later contract of the subscriber. */
async function contractCandidates(db: Kysely<DB>, p: CandidateParams): Promise<Candidate[]> {
  const r = await sql<{
    subscriber_id: string;
    county_code: string;
    contract_id: string;
    end_date: string;
    days_left: number;
  }>`
    select c.subscriber_id, s.county_code, c.contract_id, c.end_date::text as end_date,
      (c.end_date - ${p.date}::date)::int as days_left
    from contracts c join subscribers s on s.subscriber_id = c.subscriber_id
    where c.end_date between ${p.date}::date and ${addDays(p.date, p.contractDays)}::date
      and ${activeAt(p.date)} and ${countyCond(p.county)}
      and not exists (select 1 from contracts c2 where c2.subscriber_id = c.subscriber_id and c2.start_date > c.start_date)
    order by c.contract_id`.execute(db);
  return r.rows.map((c) => ({
    subscriber_id: c.subscriber_id,
    county_code: c.county_code,
    reason: 'contract_ending' as const,
    dedupe_key: c.contract_id,
    figures: { contract_id: c.contract_id, end_date: c.end_date, days_left: c.days_left },
  }));
}

/**
 * Arrears above the threshold: Σ owed at the list date over bill months before the list date's month
 * (months already in arrears). One item per subscriber and list month.
 */
async function arrearsCandidates(db: Kysely<DB>, p: CandidateParams): Promise<Candidate[]> {
  const month = monthOf(p.date);
  const owed = owedSelect({ cutoff: p.date, monthTo: firstDay(addMonths(month, -1)), county: p.county });
  const r = await sql<{
    subscriber_id: string;
    county_code: string;
    owed: number;
    months: number;
    oldest: string;
  }>`
    select o.subscriber_id, s.county_code, sum(o.owed)::bigint as owed,
      count(*) filter (where o.owed > 0)::int as months,
      to_char(min(o.bill_month) filter (where o.owed > 0), 'YYYY-MM') as oldest
    from (${owed}) o join subscribers s on s.subscriber_id = o.subscriber_id
    group by o.subscriber_id, s.county_code
    having sum(o.owed) > ${p.arrearsThresholdFen}
    order by o.subscriber_id`.execute(db);
  return r.rows.map((a) => ({
    subscriber_id: a.subscriber_id,
    county_code: a.county_code,
    reason: 'arrears' as const,
    dedupe_key: month,
    figures: { owed: Number(a.owed), months_owed: a.months, oldest_month: a.oldest },
  }));
}

export async function findCandidates(db: Kysely<DB>, p: CandidateParams): Promise<Candidate[]> {
  return [
    ...(await stopCandidates(db, p)),
    ...(await zeroFeeCandidates(db, p)),
    ...(await contractCandidates(db, p)),
    ...(await arrearsCandidates(db, p)),
  ];
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

/**
 * What blocks a candidate: an item with the same key (open or closed: never generated twice), or an
 * open item of the same subscriber and reason (it carries over instead of being duplicated).
 */
export async function existingKeys(
  db: Kysely<DB>,
  cands: readonly Candidate[],
): Promise<{ keys: Set<string>; open: Set<string> }> {
  const keys = new Set<string>();
  const open = new Set<string>();
  const subs = [...new Set(cands.map((c) => c.subscriber_id))];
  for (let i = 0; i < subs.length; i += 5000) {
    const rows = await db
      .selectFrom('followup_items')
      .select(['subscriber_id', 'reason', 'dedupe_key', 'status'])
      .where('subscriber_id', 'in', subs.slice(i, i + 5000))
      .execute();
    for (const r of rows) {
      keys.add(itemKey(r));
      if (r.status === 'open') open.add(openKey(r));
    }
  }
  return { keys, open };
}

export const openKey = (r: { subscriber_id: string; reason: string }) =>
  `${r.subscriber_id}\u0000${r.reason}`;
export const itemKey = (r: { subscriber_id: string; reason: string; dedupe_key: string }) =>
  `${r.subscriber_id}\u0000${r.reason}\u0000${r.dedupe_key}`;

export type NewItem = Candidate & { list_date: string; assignee: string | null };

/** Insert new items; a key that exists already (a concurrent run) is skipped by the database. */
export async function insertItems(db: Kysely<DB>, items: readonly NewItem[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const rows = await db
      .insertInto('followup_items')
      .values(
        items.slice(i, i + 1000).map((it) => ({
          list_date: it.list_date,
          subscriber_id: it.subscriber_id,
          county_code: it.county_code,
          reason: it.reason,
          dedupe_key: it.dedupe_key,
          figures: JSON.stringify(it.figures),
          assignee: it.assignee,
        })),
      )
      .onConflict((oc) => oc.columns(['subscriber_id', 'reason', 'dedupe_key']).doNothing())
      .returning('item_id')
      .execute();
    ids.push(...rows.map((r) => Number(r.item_id)));
  }
  return ids;
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
