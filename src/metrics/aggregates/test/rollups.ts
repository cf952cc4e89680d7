import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/schema.js';
import { ROLLUPS } from '../../../db/migrations/202611291300_create_month_rollups.js';

/**
 * The rows where a month rollup differs from its day table regrouped by month (both directions), per
 * rollup table: empty when the triggers kept them equal.
 */
export async function rollupDifferences(db: Kysely<DB>): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUPS) {
    const cols = [...t.keys, ...Object.keys(t.sums), 'days'].join(', ');
    const regrouped = `select date_trunc('month', r.day::timestamp)::date as month, ${t.keys.map((k) => `r.${k}`).join(', ')},
      ${Object.values(t.sums)
        .map((e) => `sum(${e})`)
        .join(', ')}, count(*) from ${t.day} r group by 1, ${t.keys.map((_, i) => i + 2).join(', ')}`;
    const stored = `select month, ${cols} from ${t.month}`;
    const r = await sql<Record<string, unknown>>`
      (select 'missing' as side, * from (${sql.raw(regrouped)} except ${sql.raw(stored)}) a)
      union all
      (select 'extra', * from (${sql.raw(stored)} except ${sql.raw(regrouped)}) b)`.execute(db);
    out[t.month] = r.rows;
  }
  return out;
}

export const NO_DIFFERENCES = { mx_orders_monthly: [], mx_cash_monthly: [], mx_terminal_monthly: [] };
