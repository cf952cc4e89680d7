import { sql, type Kysely } from 'kysely';

/*
 * Month rollups of the day-grain aggregates (mx_orders_daily, mx_cash_daily, mx_terminal_recovery),
 * so a period of whole months — the default of every period metric — reads one row per group and
 * month instead of one per day (30× fewer rows; on the embedded engine the per-row cost dominates a
 * small answer). Kept exact by statement triggers on the day tables, in the writer's transaction: every
 * inserted day row adds to its month, every deleted one subtracts (the writers replace days by
 * delete + insert). `days` counts the day rows behind a month row; a row that drops to 0 days goes.
 * Whatever marks a day slice stale marks its month too (same family, same period), so freshness is
 * checked the same way. Partial months are still summed from the day rows (src/metrics/aggregates/serve.ts).
 */
type Rollup = {
  day: string;
  month: string;
  keys: string[];
  /** summed columns: name in the rollup → expression over a day row r */
  sums: Record<string, string>;
};

export const ROLLUPS: Rollup[] = [
  {
    day: 'mx_orders_daily',
    month: 'mx_orders_monthly',
    keys: ['order_type', 'county_code', 'product_code'],
    sums: { n: 'r.n' },
  },
  {
    day: 'mx_cash_daily',
    month: 'mx_cash_monthly',
    keys: ['outlet_code'],
    // gap_days: the outlet-days whose banked cash differs from the cash taken
    sums: { expected: 'r.expected', banked: 'r.banked', gap_days: '(r.expected <> r.banked)::int' },
  },
  {
    day: 'mx_terminal_recovery',
    month: 'mx_terminal_monthly',
    keys: ['county_code', 'product_code'],
    sums: { orders: 'r.orders', recovered: 'r.recovered' },
  },
];

function applyRows(t: Rollup, rows: string): string {
  const keys = t.keys.join(', ');
  const sums = Object.entries(t.sums);
  return `
    insert into ${t.month} as m (month, ${keys}, ${sums.map(([c]) => c).join(', ')}, days)
    select date_trunc('month', r.day::timestamp)::date, ${t.keys.map((k) => `r.${k}`).join(', ')},
      ${sums.map(([, e]) => `sum(r.sgn * ${e})`).join(', ')}, sum(r.sgn)
    from ${rows} r group by 1, ${t.keys.map((_, i) => i + 2).join(', ')}
    on conflict (month, ${keys}) do update set
      ${[...sums.map(([c]) => c), 'days'].map((c) => `${c} = m.${c} + excluded.${c}`).join(', ')};
    delete from ${t.month} where days = 0
      and month in (select distinct date_trunc('month', r.day::timestamp)::date from ${rows} r);`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mx_orders_monthly (
      month date not null,
      order_type text not null,
      county_code text not null,
      product_code text not null,
      n bigint not null,
      days bigint not null,
      primary key (month, order_type, county_code, product_code)
    );
    create table mx_cash_monthly (
      month date not null,
      outlet_code text not null,
      expected bigint not null,
      banked bigint not null,
      gap_days bigint not null,
      days bigint not null,
      primary key (month, outlet_code)
    );
    create table mx_terminal_monthly (
      month date not null,
      county_code text not null,
      product_code text not null,
      orders bigint not null,
      recovered bigint not null,
      days bigint not null,
      primary key (month, county_code, product_code)
    );
  `.execute(db);
  for (const t of ROLLUPS) {
    const ins = `(select n.*, 1 as sgn from new_rows n)`;
    const del = `(select o.*, -1 as sgn from old_rows o)`;
    const both = `(select n.*, 1 as sgn from new_rows n union all select o.*, -1 from old_rows o)`;
    await sql
      .raw(
        `create function ${t.month}_roll() returns trigger language plpgsql as $fn$
        begin
          if TG_OP = 'INSERT' then ${applyRows(t, ins)}
          elsif TG_OP = 'DELETE' then ${applyRows(t, del)}
          else ${applyRows(t, both)}
          end if;
          return null;
        end $fn$;
        create trigger ${t.month}_ins after insert on ${t.day} referencing new table as new_rows
          for each statement execute function ${t.month}_roll();
        create trigger ${t.month}_upd after update on ${t.day} referencing old table as old_rows new table as new_rows
          for each statement execute function ${t.month}_roll();
        create trigger ${t.month}_del after delete on ${t.day} referencing old table as old_rows
          for each statement execute function ${t.month}_roll();
        ${applyRows(t, `(select x.*, 1 as sgn from ${t.day} x)`)}`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ROLLUPS) {
    await sql
      .raw(
        `drop trigger ${t.month}_ins on ${t.day}; drop trigger ${t.month}_upd on ${t.day};
        drop trigger ${t.month}_del on ${t.day}; drop function ${t.month}_roll(); drop table ${t.month};`,
      )
      .execute(db);
  }
}
