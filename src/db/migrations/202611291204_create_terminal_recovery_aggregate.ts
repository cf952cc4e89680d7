import { sql, type Kysely } from 'kysely';

/*
 * Terminal recovery per (disconnect day, county, product): disconnect orders of products that need a
 * terminal, and those with a recover_in move of the subscriber from 7 days before to 30 days after
 * (src/metrics/terminals.metrics.ts). Family 'metrics.terminals', period = the month of the order day.
 * Triggers mark the months a write can change: disconnect orders (their month), recover_in moves (the
 * months of the days 30 before to 7 after), a subscriber's county/product change (its disconnect
 * months) and a change of a product's needs_terminal (every month with disconnect orders).
 */
const MARK_MOVES = (rows: string) => `
  insert into derived_stale (family, period)
    select distinct 'metrics.terminals', g.m::date from ${rows} r,
      generate_series(date_trunc('month', r.moved_day - 30), date_trunc('month', r.moved_day + 7), interval '1 month') g(m)
    where r.move_type = 'recover_in' and r.subscriber_id is not null
  on conflict do nothing;`;
const MARK_ORDERS = (rows: string) => `
  insert into derived_stale (family, period)
    select distinct 'metrics.terminals', date_trunc('month', order_day)::date from ${rows}
    where order_type = 'disconnect'
  on conflict do nothing;`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mx_terminal_recovery (
      day date not null,
      county_code text not null,
      product_code text not null,
      orders bigint not null,
      recovered bigint not null
    );
    create index mx_terminal_recovery_day on mx_terminal_recovery (day);
  `.execute(db);
  const fns: [string, string, string][] = [
    ['stock_moves', MARK_MOVES('new_rows'), MARK_MOVES('old_rows')],
    ['orders', MARK_ORDERS('new_rows'), MARK_ORDERS('old_rows')],
  ];
  for (const [table, onNew, onOld] of fns) {
    await sql
      .raw(
        `create function mx_mark_terminals_${table}() returns trigger language plpgsql as $fn$
        begin
          if TG_OP in ('INSERT', 'UPDATE') then ${onNew} end if;
          if TG_OP in ('UPDATE', 'DELETE') then ${onOld} end if;
          return null;
        end $fn$;
        create trigger mx_mark_terminals_${table}_ins after insert on ${table} referencing new table as new_rows
          for each statement execute function mx_mark_terminals_${table}();
        create trigger mx_mark_terminals_${table}_upd after update on ${table} referencing old table as old_rows new table as new_rows
          for each statement execute function mx_mark_terminals_${table}();
        create trigger mx_mark_terminals_${table}_del after delete on ${table} referencing old table as old_rows
          for each statement execute function mx_mark_terminals_${table}();`,
      )
      .execute(db);
  }
  await sql
    .raw(
      `create function mx_mark_terminals_subscribers() returns trigger language plpgsql as $fn$
      begin
        insert into derived_stale (family, period)
          select distinct 'metrics.terminals', date_trunc('month', o.order_day)::date
          from new_rows n join old_rows x on x.subscriber_id = n.subscriber_id
          join orders o on o.subscriber_id = n.subscriber_id and o.order_type = 'disconnect'
          where (n.county_code, n.product_code) is distinct from (x.county_code, x.product_code)
        on conflict do nothing;
        return null;
      end $fn$;
      create trigger mx_mark_terminals_subscribers_upd after update on subscribers
        referencing old table as old_rows new table as new_rows
        for each statement execute function mx_mark_terminals_subscribers();
      create function mx_mark_terminals_products() returns trigger language plpgsql as $fn$
      begin
        insert into derived_stale (family, period)
          select distinct 'metrics.terminals', date_trunc('month', order_day)::date from orders
          where order_type = 'disconnect'
        on conflict do nothing;
        return null;
      end $fn$;
      create trigger mx_mark_terminals_products after insert or update or delete on products
        for each statement execute function mx_mark_terminals_products();`,
    )
    .execute(db);
  await sql`
    insert into derived_stale (family, period)
      select distinct 'metrics.terminals', date_trunc('month', order_day)::date from orders
      where order_type = 'disconnect'
    on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['stock_moves', 'orders'])
    await sql
      .raw(
        `drop trigger mx_mark_terminals_${t}_ins on ${t}; drop trigger mx_mark_terminals_${t}_upd on ${t};
         drop trigger mx_mark_terminals_${t}_del on ${t}; drop function mx_mark_terminals_${t}();`,
      )
      .execute(db);
  await sql`drop trigger mx_mark_terminals_subscribers_upd on subscribers; drop function mx_mark_terminals_subscribers();
    drop trigger mx_mark_terminals_products on products; drop function mx_mark_terminals_products();
    delete from derived_stale where family = 'metrics.terminals'; drop table mx_terminal_recovery;`.execute(
    db,
  );
}
