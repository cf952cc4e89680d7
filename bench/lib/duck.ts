import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../src/db/connect.js';

/** The columns DuckDB needs, exported from the benchmark database as CSV, in slices (PGlite reads whole). */
const EXPORTS: Record<string, { cols: string; slices: string[] }> = {
  subscribers: {
    cols: 'subscriber_id, county_code, product_code, install_date, disconnect_date',
    slices: ['true'],
  },
  bills: { cols: 'subscriber_id, bill_month, amount', slices: months('bill_month') },
  payments: {
    cols: 'subscriber_id, bill_month, paid_day, amount, channel, outlet_code',
    slices: [...months('bill_month'), 'bill_month is null or bill_month < $$2025-01-01$$'],
  },
  adjustments: { cols: 'subscriber_id, bill_month, adjusted_day, amount', slices: ['true'] },
  orders: { cols: 'subscriber_id, order_type, order_day', slices: ['true'] },
  refunds: { cols: 'outlet_code, refunded_day, amount, channel', slices: ['true'] },
  cash_deposits: { cols: 'outlet_code, business_date, amount', slices: ['true'] },
  outlets: { cols: 'outlet_code, county_code', slices: ['true'] },
  products: { cols: 'product_code, needs_terminal', slices: ['true'] },
  stock_moves: { cols: 'subscriber_id, move_type, moved_day', slices: ['subscriber_id is not null'] },
};

function months(c: string): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) out.push(`${c} = $$2025-${String(m).padStart(2, '0')}-01$$`);
  return out;
}

/** Load the benchmark city into an in-memory DuckDB (its own tables), through CSV files in `dir`. */
export async function loadDuck(database: Database, dir: string): Promise<DuckDBConnection> {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  fs.mkdirSync(dir, { recursive: true });
  for (const [table, e] of Object.entries(EXPORTS)) {
    const file = path.join(dir, `${table}.csv`);
    const out = fs.createWriteStream(file);
    for (const where of e.slices) {
      for await (const chunk of database.copyOut(`select ${e.cols} from ${table} where ${where}`)) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    }
    await new Promise<void>((r) => out.end(r));
    const names = e.cols.split(',').map((c) => `'${c.trim()}'`);
    await con.run(
      `create table ${table} as select * from read_csv('${file}', header = false, column_names = [${names.join(', ')}], auto_detect = true)`,
    );
    fs.rmSync(file);
  }
  return con;
}

/** The same figures by county in DuckDB SQL (default parameters of the benchmark). */
export const DUCK_SQL: Record<string, string> = {
  current_collection_rate: `
    with dm as (select subscriber_id, sum(b) as bill, sum(a) as adj from (
        select subscriber_id, amount as b, 0 as a from bills where bill_month = DATE '2025-10-01'
        union all select subscriber_id, 0, amount from adjustments
          where bill_month = DATE '2025-10-01' and adjusted_day <= DATE '2025-11-30') group by all),
      pm as (select subscriber_id, sum(amount) as paid from payments
        where bill_month = DATE '2025-10-01' and paid_day <= DATE '2025-11-30' group by all)
    select s.county_code, sum(least(coalesce(pm.paid, 0), greatest(bill + adj, 0))) as num, sum(greatest(bill + adj, 0)) as den
    from dm join subscribers s using (subscriber_id) left join pm using (subscriber_id) group by 1 order by 1`,
  long_term_arrears: `
    with dm as (select subscriber_id, bill_month, sum(b) as bill, sum(a) as adj from (
        select subscriber_id, bill_month, amount as b, 0 as a from bills where bill_month <= DATE '2025-07-01'
        union all select subscriber_id, bill_month, 0, amount from adjustments
          where bill_month <= DATE '2025-07-01' and adjusted_day <= DATE '2025-11-30') group by all),
      pm as (select subscriber_id, bill_month, sum(amount) as paid from payments
        where bill_month <= DATE '2025-07-01' and paid_day <= DATE '2025-11-30' group by all)
    select s.county_code, sum(greatest(greatest(bill + adj, 0) - coalesce(pm.paid, 0), 0)) as owed
    from dm join subscribers s using (subscriber_id) left join pm using (subscriber_id, bill_month) group by 1 order by 1`,
  new_installs: `select s.county_code, count(*) from orders o join subscribers s using (subscriber_id)
    where o.order_type = 'new_install' and o.order_day between DATE '2025-10-01' and DATE '2025-10-31' group by 1 order by 1`,
  revenue: `select s.county_code, sum(x.amount) from (
      select subscriber_id, amount from bills where bill_month = DATE '2025-10-01'
      union all select subscriber_id, amount from adjustments where bill_month = DATE '2025-10-01' and adjusted_day <= DATE '2025-10-31'
    ) x join subscribers s using (subscriber_id) group by 1 order by 1`,
  active_subscribers: `select county_code, count(*) from subscribers
    where install_date <= DATE '2025-11-30' and (disconnect_date is null or disconnect_date > DATE '2025-11-30') group by 1 order by 1`,
  churn_rate: `select county_code, count(*) filter (where disconnect_date between DATE '2025-10-01' and DATE '2025-10-31'), count(*)
    from subscribers where install_date <= DATE '2025-09-30' and (disconnect_date is null or disconnect_date >= DATE '2025-10-01')
    group by 1 order by 1`,
  zero_fee_users: `select s.county_code, count(*) from subscribers s
    where s.install_date < DATE '2025-08-01' and (s.disconnect_date is null or s.disconnect_date > DATE '2025-10-31')
      and not exists (select 1 from bills b where b.subscriber_id = s.subscriber_id
        and b.bill_month between DATE '2025-08-01' and DATE '2025-10-01' and b.amount > 0)
    group by 1 order by 1`,
  cash_gap: `select o.county_code, sum(x.v) from (
      select outlet_code, amount as v from payments where channel = 'cash' and outlet_code is not null
        and paid_day between DATE '2025-10-01' and DATE '2025-10-31'
      union all select outlet_code, -amount from refunds where channel = 'cash' and outlet_code is not null
        and refunded_day between DATE '2025-10-01' and DATE '2025-10-31'
      union all select outlet_code, -amount from cash_deposits where business_date between DATE '2025-10-01' and DATE '2025-10-31'
    ) x join outlets o using (outlet_code) group by 1 order by 1`,
  terminal_recovery_rate: `select s.county_code,
      count(*) filter (where exists (select 1 from stock_moves m where m.subscriber_id = o.subscriber_id
        and m.move_type = 'recover_in' and m.moved_day between o.order_day - 7 and o.order_day + 30)), count(*)
    from orders o join subscribers s using (subscriber_id)
      join products p on p.product_code = s.product_code and p.needs_terminal::varchar in ('t', 'true')
    where o.order_type = 'disconnect' and o.order_day between DATE '2025-10-01' and DATE '2025-10-31'
    group by 1 order by 1`,
};
