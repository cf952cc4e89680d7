import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import { DATASETS, IMPORT_ORDER, type DatasetKey } from '../../datasets/index.js';

export type DatasetFreshness = {
  dataset: DatasetKey;
  zh: string;
  rows: number;
  /** last business date ('YYYY-MM-DD') or, for bills, the last bill month ('YYYY-MM'); null when empty or reference data */
  lastLoaded: string | null;
  firstLoaded: string | null;
  /** finished_at of the last batch that landed (imported or partial) */
  lastBatchAt: string | null;
  /** daily datasets only: days between the first and the last day with no row at all */
  missingDays: string[] | null;
};

/** Daily extracts: a day without a single row is a missing extract, not a quiet day. */
export const DAILY: readonly DatasetKey[] = ['orders', 'payments', 'cash_deposits'];

function dayColumn(key: DatasetKey): string | null {
  const def = DATASETS[key];
  const tc = def.timeColumn;
  if (!tc) return null;
  const type = def.columns.find((c) => c.key === tc)?.type;
  // timestamps have a stored local-date column beside them (order_date → order_day, paid_at → paid_day)
  if (type === 'timestamp') return key === 'orders' ? 'order_day' : tc.replace(/_at$/, '_day');
  return tc;
}

/** Per dataset: rows, last date or month loaded, last batch time, and missing days of the daily datasets. */
export async function dataFreshness(database: Database): Promise<DatasetFreshness[]> {
  const batches = await sql<{
    dataset: string;
    at: string;
  }>`select dataset, max(finished_at)::text as at from import_batches
    where status in ('imported','partial') group by dataset`.execute(database.db);
  const lastBatch = new Map(batches.rows.map((r) => [r.dataset, r.at]));
  const out: DatasetFreshness[] = [];
  for (const key of IMPORT_ORDER) {
    const def = DATASETS[key];
    const col = dayColumn(key);
    const T = sql.table(def.table);
    if (!col) {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${T}`.execute(database.db);
      out.push({
        dataset: key,
        zh: def.zh,
        rows: r.rows[0]?.n ?? 0,
        lastLoaded: null,
        firstLoaded: null,
        lastBatchAt: lastBatch.get(key) ?? null,
        missingDays: null,
      });
      continue;
    }
    const c = sql.ref(col);
    const r = await sql<{ n: number; first: string | null; last: string | null }>`
      select count(*)::int as n, min(${c})::text as first, max(${c})::text as last from ${T}`.execute(
      database.db,
    );
    const row = r.rows[0] ?? { n: 0, first: null, last: null };
    const isMonth = def.columns.find((x) => x.key === def.timeColumn)?.type === 'month';
    let missingDays: string[] | null = null;
    if (DAILY.includes(key)) {
      missingDays = [];
      if (row.first && row.last) {
        const m = await sql<{ d: string }>`select d::date::text as d
          from generate_series(${row.first}::date, ${row.last}::date, interval '1 day') d
          where not exists (select 1 from ${T} x where ${sql.ref(`x.${col}`)} = d::date)
          order by 1`.execute(database.db);
        missingDays = m.rows.map((x) => x.d);
      }
    }
    const fmt = (v: string | null) => (v && isMonth ? v.slice(0, 7) : v);
    out.push({
      dataset: key,
      zh: def.zh,
      rows: row.n,
      lastLoaded: fmt(row.last),
      firstLoaded: fmt(row.first),
      lastBatchAt: lastBatch.get(key) ?? null,
      missingDays,
    });
  }
  return out;
}
