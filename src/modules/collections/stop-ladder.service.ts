import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { addDays, addMonths, firstDay, monthDiff, todayShanghai } from '../../core/dates.js';
import { divHalfUp } from '../../core/rate.js';
import { maskName } from '../../core/pii.js';
import { ValidationError } from '../../core/errors.js';
import { scopedCounty, type Actor } from '../../server/rbac.js';
import { getCollectionsSettings } from './collections.settings.js';
import { assertMonth } from './limits.service.js';

/**
 * The stop ladder 正常 → 单停 → 双停 → 拆机. A subscriber's state at a date d is the one the health
 * metrics use: not active → disconnected (once installed); active → the latest single_stop / dual_stop /
 * resume order with order day ≤ d by (order_date, order_id), resume and no order meaning normal. The
 * flow of a month m counts each subscriber's state at EOM(m−1) → EOM(m); `new` = installed in m.
 */
export type LadderState = 'new' | 'normal' | 'single_stop' | 'dual_stop' | 'disconnected';
export type LadderFlow = {
  month: string;
  county_code: string;
  from: LadderState;
  to: LadderState;
  count: number;
};
export type LadderCount = { month: string; county_code: string; state: LadderState; count: number };

const STOP_TYPES = sql`('single_stop', 'dual_stop', 'resume')`;

export async function ladderFlows(
  db: Kysely<DB>,
  actor: Actor,
  q: { from: string; to: string; county?: string | null },
): Promise<{ flows: LadderFlow[]; counts: LadderCount[] }> {
  assertMonth(q.from, 'from');
  assertMonth(q.to, 'to');
  if (monthDiff(q.to, q.from) < 0 || monthDiff(q.to, q.from) > 23) {
    throw new ValidationError('月份范围无效（最多 24 个月）', 'Invalid month range (at most 24 months)', q);
  }
  const county = scopedCounty(actor, q.county);
  const countyCond = county ? sql`s.county_code = ${county}` : sql`true`;
  // month-end boundaries EOM(from−1) .. EOM(to)
  const first = firstDay(addMonths(q.from, -1));
  const r = await sql<{
    county_code: string;
    month: string;
    s0: LadderState | null;
    s1: LadderState;
    n: number;
  }>`
    with b as (
      select (g + interval '1 month' - interval '1 day')::date as b
      from generate_series(${first}::date, ${firstDay(q.to)}::date, interval '1 month') g
    ),
    pairs as (select b as b0, lead(b) over (order by b) as b1 from b),
    st as (
      select distinct on (o.subscriber_id, b.b) o.subscriber_id, b.b,
        case o.order_type when 'resume' then 'normal' else o.order_type end as state
      from orders o join b on o.order_day <= b.b
      join subscribers s on s.subscriber_id = o.subscriber_id
      where o.order_type in ${STOP_TYPES} and ${countyCond}
      order by o.subscriber_id, b.b, o.order_date desc, o.order_id desc
    ),
    flow as (
      select s.county_code, p.b1,
        case when s.install_date <= p.b0 then coalesce(st0.state, 'normal') end as s0,
        case when s.disconnect_date is not null and s.disconnect_date <= p.b1 then 'disconnected'
          else coalesce(st1.state, 'normal') end as s1
      from subscribers s cross join pairs p
      left join st st0 on st0.subscriber_id = s.subscriber_id and st0.b = p.b0
      left join st st1 on st1.subscriber_id = s.subscriber_id and st1.b = p.b1
      where p.b1 is not null and ${countyCond} and s.install_date <= p.b1
        and (s.disconnect_date is null or s.disconnect_date > p.b0)
    )
    select county_code, to_char(b1, 'YYYY-MM') as month, s0, s1, count(*)::int as n
    from flow group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db);
  const flows: LadderFlow[] = r.rows.map((x) => ({
    month: x.month,
    county_code: x.county_code,
    from: x.s0 ?? 'new',
    to: x.s1,
    count: x.n,
  }));
  // states at month end: what the flows end in (disconnected = disconnected during the month)
  const acc = new Map<string, LadderCount>();
  for (const f of flows) {
    const k = `${f.month}:${f.county_code}:${f.to}`;
    const c = acc.get(k) ?? { month: f.month, county_code: f.county_code, state: f.to, count: 0 };
    c.count += f.count;
    acc.set(k, c);
  }
  return { flows, counts: [...acc.values()] };
}

export type StateDurations = {
  county_code: string;
  state: 'single_stop' | 'dual_stop';
  /** spells that ended (resume, the other stop state, disconnection) */
  ended: number;
  /** average days of ended spells, rounded half up */
  avg_days: number | null;
  /** spells still running at `at` */
  current: number;
};

/**
 * Spells: a run of one state starts at the order that entered it and ends at the next order that
 * changes it, or at disconnection. Repeated orders of the state already held do not start a new spell.
 */
const spellsSql = (at: string, countyCond: ReturnType<typeof sql>) => sql`
  with ev as (
    select o.subscriber_id, o.order_day as day, o.order_date, o.order_id,
      case o.order_type when 'resume' then 'normal' else o.order_type end as state
    from orders o join subscribers s on s.subscriber_id = o.subscriber_id
    where o.order_type in ${STOP_TYPES} and o.order_day <= ${at}::date and ${countyCond}
  ),
  changes as (
    select * from (
      select ev.*, lag(state) over (partition by subscriber_id order by order_date, order_id) as prev
      from ev
    ) x where prev is distinct from state
  ),
  spells as (
    select c.subscriber_id, s.county_code, s.customer_name, s.disconnect_date, c.state, c.day as entered,
      lead(c.day) over (partition by c.subscriber_id order by c.order_date, c.order_id) as next_day
    from changes c join subscribers s on s.subscriber_id = c.subscriber_id
  )
  select subscriber_id, county_code, customer_name, state, entered::text as entered,
    case when next_day is not null and (disconnect_date is null or next_day <= disconnect_date) then next_day
         when disconnect_date is not null and disconnect_date <= ${at}::date then disconnect_date end::text as ended
  from spells where state in ('single_stop', 'dual_stop')`;

type Spell = {
  subscriber_id: string;
  county_code: string;
  customer_name: string;
  state: 'single_stop' | 'dual_stop';
  entered: string;
  ended: string | null;
};

const daysBetween = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

export async function stateDurations(
  db: Kysely<DB>,
  actor: Actor,
  q: { at?: string; county?: string | null },
): Promise<{ at: string; durations: StateDurations[] }> {
  const at = q.at ?? todayShanghai();
  const county = scopedCounty(actor, q.county);
  const r = await sql<Spell>`${spellsSql(at, county ? sql`s.county_code = ${county}` : sql`true`)}`.execute(
    db,
  );
  const acc = new Map<
    string,
    { county_code: string; state: Spell['state']; ended: number; days: number; current: number }
  >();
  for (const s of r.rows) {
    const k = `${s.county_code}:${s.state}`;
    const a = acc.get(k) ?? { county_code: s.county_code, state: s.state, ended: 0, days: 0, current: 0 };
    if (s.ended) {
      a.ended += 1;
      a.days += daysBetween(s.entered, s.ended);
    } else a.current += 1;
    acc.set(k, a);
  }
  const durations = [...acc.values()]
    .sort((x, y) => x.county_code.localeCompare(y.county_code) || x.state.localeCompare(y.state))
    .map((a) => ({
      county_code: a.county_code,
      state: a.state,
      ended: a.ended,
      avg_days: a.ended ? Number(divHalfUp(BigInt(a.days), BigInt(a.ended))) : null,
      current: a.current,
    }));
  return { at, durations };
}

export type LongDualStop = {
  subscriber_id: string;
  county_code: string;
  customer_name: string | null;
  entered: string;
  days: number;
};

/** Subscribers in dual stop at `at` for more than N days (default from settings): write-off review candidates. */
export async function longDualStops(
  db: Kysely<DB>,
  actor: Actor,
  q: { at?: string; county?: string | null; days?: number },
): Promise<{ at: string; days: number; rows: LongDualStop[] }> {
  const at = q.at ?? todayShanghai();
  const days = q.days ?? (await getCollectionsSettings(db)).dual_stop_days;
  const county = scopedCounty(actor, q.county);
  const r = await sql<Spell>`${spellsSql(at, county ? sql`s.county_code = ${county}` : sql`true`)}`.execute(
    db,
  );
  const limit = addDays(at, -days);
  const rows = r.rows
    .filter((s) => s.state === 'dual_stop' && s.ended === null && s.entered < limit)
    .map((s) => ({
      subscriber_id: s.subscriber_id,
      county_code: s.county_code,
      customer_name: maskName(s.customer_name),
      entered: s.entered,
      days: daysBetween(s.entered, at),
    }))
    .sort((a, b) => b.days - a.days || a.subscriber_id.localeCompare(b.subscriber_id));
  return { at, days, rows };
}
