import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { prepared } from '../../db/prepared.js';
import { addDays, addMonths, endOfMonth, firstDay, monthOf } from '../../core/dates.js';
import type { RawRow } from '../shape.js';
import type { Dim, ScopedQuery } from '../types.js';

/*
 * The building blocks of an answer from the aggregates (serve.ts): the one statement that reads an
 * answer with its freshness and reference version, and the split of a period into the whole months a
 * rollup answers and the days around them.
 */

export const d = (v: string): RawBuilder<unknown> => sql`${v}::date`;
export const isMonthEnd = (t: string) => t === endOfMonth(monthOf(t));
export const isMonthStart = (t: string) => t === firstDay(monthOf(t));

/** True when a slice of `family` with period in [lo, hi] (first days of months) is marked stale. */
export const staleIn = (family: string, lo: string, hi: string): RawBuilder<unknown> =>
  sql`exists (select 1 from derived_stale where family = ${family} and period between ${d(lo)} and ${d(hi)})`;

/**
 * What the aggregates answer: the finest-grain rows, or null when only the detail query can answer
 * exactly, and the reference_version of the snapshot the answer was read in (null when no statement
 * ran), so the caller can check the reference data it validated the query against without asking.
 */
export type Served = { rows: RawRow[] | null; refVersion: number | null };
export const UNSERVABLE: Served = { rows: null, refVersion: null };

/** County / product filters (already the actor's scope) on an aggregate table alias. */
export function scope(q: ScopedQuery, alias: string): RawBuilder<unknown> {
  const c: RawBuilder<unknown>[] = [sql`true`];
  if (q.county !== null) c.push(sql`${sql.ref(`${alias}.county_code`)} = ${q.county}`);
  if (q.product !== null) c.push(sql`${sql.ref(`${alias}.product_code`)} = ${q.product}`);
  return sql.join(c, sql` and `);
}

type Row = { county: string | null; product?: string | null; month?: string | null; outlet?: string | null };

/**
 * One statement, so one round trip (the embedded engine pays ~0.2 ms per round trip, about what a
 * small answer costs to compute): the stale flag, the reference_version and the rows of `query` —
 * computed only when not stale (an uncorrelated subquery runs when first needed) — all from one
 * snapshot. The rows travel as one JSON text: on the embedded engine each result row costs more to
 * hand over than to compute (200 rows: ~3 ms as rows, ~0.5 ms as one JSON value). A prepared
 * statement on the embedded engine (src/db/prepared.ts) unless the query reads detail rows
 * (`prepare: false`), whose best plan depends on the parameters.
 */
export async function answer(
  db: Kysely<DB>,
  q: ScopedQuery,
  dims: readonly Dim[],
  stale: RawBuilder<unknown>,
  query: RawBuilder<unknown>,
  opts: { prepare: boolean } = { prepare: true },
): Promise<Served> {
  // summed in the database to the groups the answer shows (a bucket is a function of the month)
  const keep = dims.filter((c) => q.by.includes(c) || (c === 'month' && q.by.includes('bucket')));
  const cols = keep.map((c) => sql.ref(`q1.${c}`));
  const grouped = sql`select ${sql.join([...cols, sql`sum(q1.num) as num, sum(q1.den) as den`])}
    from (${query}) q1 ${cols.length > 0 ? sql`group by ${sql.join(cols)}` : sql`having count(*) > 0`}`;
  const statement = sql`
    select m.stale, m.ref,
      case when m.stale then null else (select coalesce(json_agg(q0), '[]')::text from (${grouped}) q0) end as rows
    from (select ${stale} as stale, (select version from reference_version) as ref) m`;
  const r = await sql<{ stale: boolean; ref: number | string; rows: string | null }>`${
    opts.prepare ? prepared(statement) : statement
  }`.execute(db);
  const first = r.rows[0];
  if (!first) return UNSERVABLE;
  const refVersion = Number(first.ref);
  if (first.stale || first.rows === null) return { rows: null, refVersion };
  const parsed = JSON.parse(first.rows) as (Row & { num: number | string; den: number | string })[];
  return { rows: parsed.map((x) => ({ ...x, num: Number(x.num), den: Number(x.den) })), refVersion };
}

/**
 * [from, to] as the whole months inside it (first days lo..hi, read from the month rollups) and the
 * day ranges left around them (read from the day tables).
 */
export function splitPeriod(
  from: string,
  to: string,
): { months: [string, string] | null; days: [string, string][] } {
  const lo = isMonthStart(from) ? from : firstDay(addMonths(monthOf(from), 1));
  const hi = isMonthEnd(to) ? firstDay(monthOf(to)) : firstDay(addMonths(monthOf(to), -1));
  if (lo > hi) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < lo) days.push([from, addDays(lo, -1)]);
  const after = firstDay(addMonths(monthOf(hi), 1));
  if (to >= after) days.push([after, to]);
  return { months: [lo, hi], days };
}

export type Grain = 'month' | 'day';

/** One part of a period read by byPeriod: its grain, its table and, for a table alias, its rows' month and period test. */
export type PeriodPart = {
  grain: Grain;
  table: RawBuilder<unknown>;
  month: (alias: string) => RawBuilder<unknown>;
  within: (alias: string) => RawBuilder<unknown>;
};

/**
 * A day-grain aggregate over [from, to]: `part` builds the part read from the month rollup
 * (`tables.month`, the whole months) and the one read from the day table (`tables.day`, the days
 * around them). The parts cover disjoint months.
 */
export function byPeriod(
  from: string,
  to: string,
  tables: Record<Grain, string>,
  part: (p: PeriodPart) => RawBuilder<unknown>,
): RawBuilder<unknown> {
  const { months, days } = splitPeriod(from, to);
  const parts: RawBuilder<unknown>[] = [];
  if (months) {
    const [lo, hi] = months;
    parts.push(
      part({
        grain: 'month',
        table: sql.table(tables.month),
        month: (a) => sql.ref(`${a}.month`),
        within: (a) => sql`${sql.ref(`${a}.month`)} between ${d(lo)} and ${d(hi)}`,
      }),
    );
  }
  if (days.length > 0) {
    parts.push(
      part({
        grain: 'day',
        table: sql.table(tables.day),
        month: (a) => sql`date_trunc('month', ${sql.ref(`${a}.day`)}::timestamp)::date`,
        within: (a) =>
          sql`(${sql.join(
            days.map(([x, y]) => sql`${sql.ref(`${a}.day`)} between ${d(x)} and ${d(y)}`),
            sql` or `,
          )})`,
      }),
    );
  }
  return sql.join(parts, sql` union all `);
}
