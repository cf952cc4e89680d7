import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { markAllStale } from '../../src/metrics/aggregates/refresh.js';

/*
 * A generated city loaded with plain SQL (insert … select generate_series), fast on both engines:
 * 10 counties, 4 products, 200 outlets, `n` subscribers installed 2020–2025 (15 % disconnected),
 * bills for 2025-01..2025-12 of every subscriber active in the month (8 % zero), payments for 93 %
 * of the positive bills (mostly in the next month, 5 % later, 3 % partial, 20 % cash at an outlet),
 * adjustments on 1 % of bills, install/disconnect/stop orders, one contract each, and what every
 * outlet banked each day (the cash it took, now and then short), and the recovered terminals of 70 % of the
 * disconnected broadband/IPTV subscribers.
 */
export async function generateCity(
  db: Kysely<DB>,
  n: number,
  log: (s: string) => void = () => {},
): Promise<Record<string, number>> {
  const steps = [
    sql`select setseed(0.4242)`,
    sql`insert into counties (county_code, county_name, households)
      select 'C' || lpad(i::text, 2, '0'), 'County ' || i, 50000 + i * 1000 from generate_series(1, 10) i`,
    sql`insert into products (product_code, product_name, needs_terminal, needs_deposit) values
      ('BB', 'Broadband', true, true), ('MB', 'Mobile', false, false), ('TV', 'IPTV', true, false), ('FX', 'Fixed line', false, false)`,
    sql`insert into packages (package_code, package_name, product_code, monthly_fee, billing)
      select 'PK' || product_code, product_name || ' basic', product_code, 9900, 'monthly' from products`,
    sql`insert into outlets (outlet_code, outlet_name, county_code)
      select 'O' || lpad(i::text, 3, '0'), 'Outlet ' || i, 'C' || lpad((i % 10 + 1)::text, 2, '0') from generate_series(1, 200) i`,
    sql`insert into subscribers (subscriber_id, account_id, customer_name, county_code, outlet_code, product_code, package_code,
        install_date, status, disconnect_date)
      select 'S' || lpad(i::text, 8, '0'), 'A' || i, 'Customer ' || i, 'C' || lpad((i % 10 + 1)::text, 2, '0'),
        'O' || lpad((i % 200 + 1)::text, 3, '0'), p, 'PK' || p, inst,
        case when disc is null then 'normal' else 'disconnected' end, disc
      from (
        select i, (array['BB','MB','TV','FX'])[1 + (i * 7) % 4] as p,
          ('2020-01-01'::date + (random() * 2190)::int) as inst, random() as r from generate_series(1, ${n}) i
      ) x cross join lateral (select case when x.r < 0.15 then x.inst + 1 + (random() * 700)::int end as disc) y`,
    sql`update subscribers set disconnect_date = null, status = 'normal' where disconnect_date > '2025-12-31'`,
    sql`insert into bills (subscriber_id, bill_month, amount)
      select s.subscriber_id, m::date, case when random() < 0.08 then 0 else 2900 + (random() * 170)::int * 100 end
      from subscribers s cross join generate_series('2025-01-01'::date, '2025-12-01'::date, interval '1 month') m
      where s.install_date <= (m + interval '1 month' - interval '1 day')::date
        and (s.disconnect_date is null or s.disconnect_date > m::date)`,
    sql`insert into payments (payment_id, subscriber_id, bill_month, paid_at, amount, channel, outlet_code)
      select 'P' || b.subscriber_id || to_char(b.bill_month, 'YYMM'), b.subscriber_id, b.bill_month,
        (b.bill_month + interval '1 month' + (case when r2 < 0.05 then 40 + r2 * 2000 else r2 * 40 end) * interval '1 day'
          + r3 * interval '20 hours') at time zone 'Asia/Shanghai',
        case when r3 < 0.03 then greatest(b.amount / 2, 1) else b.amount end,
        case when r3 < 0.2 then 'cash' when r3 < 0.6 then 'bank' else 'online' end,
        case when r3 < 0.2 then 'O' || lpad(((abs(hashtext(b.subscriber_id)) % 200) + 1)::text, 3, '0') end
      from (select b.*, random() as r1, random() as r2, random() as r3 from bills b where b.amount > 0) b
      where b.r1 < 0.93`,
    sql`insert into adjustments (adjustment_id, subscriber_id, bill_month, adjusted_at, amount, reason)
      select 'J' || subscriber_id || to_char(bill_month, 'YYMM'), subscriber_id, bill_month,
        (bill_month + interval '1 month' + random() * interval '50 days') at time zone 'Asia/Shanghai',
        -least(amount, 1000 + (random() * 20)::int * 100), 'bench'
      from bills where amount > 0 and random() < 0.01`,
    sql`insert into orders (order_id, subscriber_id, order_type, order_date, county_code)
      select 'N' || subscriber_id, subscriber_id, 'new_install', (install_date + interval '10 hours') at time zone 'Asia/Shanghai', county_code
      from subscribers
      union all
      select 'D' || subscriber_id, subscriber_id, 'disconnect', (disconnect_date + interval '11 hours') at time zone 'Asia/Shanghai', county_code
      from subscribers where disconnect_date is not null
      union all
      select 'T' || subscriber_id, subscriber_id, case when random() < 0.5 then 'single_stop' else 'dual_stop' end,
        ('2025-01-01'::date + (random() * 360)::int + interval '9 hours') at time zone 'Asia/Shanghai', county_code
      from subscribers where disconnect_date is null and random() < 0.05`,
    sql`insert into contracts (contract_id, subscriber_id, package_code, start_date, end_date)
      select 'K' || subscriber_id, subscriber_id, package_code, d, d + 364
      from (select subscriber_id, package_code, '2024-01-01'::date + (random() * 700)::int as d from subscribers) x`,
    sql`insert into refunds (refund_id, subscriber_id, refunded_at, amount, channel, outlet_code)
      select 'R' || payment_id, subscriber_id, paid_at + interval '2 days', least(amount, 500), channel, outlet_code
      from payments where random() < 0.005`,
    // terminals: a warehouse per county, one terminal item per product that needs one, and the terminal
    // of 70 % of the disconnected subscribers of those products recovered from 5 days before to 40 after
    sql`insert into warehouses (warehouse_code, warehouse_name, county_code)
      select 'W' || county_code, county_name || ' warehouse', county_code from counties`,
    sql`insert into items (item_code, item_name, unit, serialized, product_code)
      select 'T' || product_code, product_name || ' terminal', 'pcs', true, product_code from products where needs_terminal`,
    sql`insert into stock_moves (move_id, moved_at, warehouse_code, item_code, move_type, quantity, terminal_sn, subscriber_id)
      select 'RC' || s.subscriber_id, (s.disconnect_date + (random() * 45)::int - 5 + interval '15 hours') at time zone 'Asia/Shanghai',
        'W' || s.county_code, 'T' || s.product_code, 'recover_in', 1, 'SN' || s.subscriber_id, s.subscriber_id
      from subscribers s join products p on p.product_code = s.product_code and p.needs_terminal
      where s.disconnect_date is not null and random() < 0.7`,
    sql`insert into cash_deposits (outlet_code, business_date, slip_no, amount)
      select outlet_code, paid_day, 'SL' || to_char(paid_day, 'YYMMDD'),
        case when random() < 0.03 then sum(amount) - 1000 else sum(amount) end
      from payments where channel = 'cash' and outlet_code is not null group by outlet_code, paid_day`,
  ];
  // a bulk load: triggers and foreign-key checks off on one pinned connection, then every slice marked
  // stale at once (what the triggers would have done row by row)
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    try {
      for (const [i, s] of steps.entries()) {
        const t = performance.now();
        await s.execute(c);
        log(`  step ${i}: ${Math.round(performance.now() - t)} ms`);
      }
    } finally {
      await sql`set session_replication_role = origin`.execute(c);
    }
  });
  await markAllStale(db);
  await sql`analyze`.execute(db);
  const counts: Record<string, number> = {};
  for (const t of [
    'subscribers',
    'bills',
    'payments',
    'adjustments',
    'orders',
    'contracts',
    'cash_deposits',
    'stock_moves',
  ]) {
    const r = await sql<{ n: number }>`select count(*)::bigint as n from ${sql.table(t)}`.execute(db);
    counts[t] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}
