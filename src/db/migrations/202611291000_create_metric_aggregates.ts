import { sql, type Kysely } from 'kysely';

/*
 * Incremental aggregates of the metrics engine (src/metrics/aggregates) and the triggers that keep
 * them honest. Every write to a source table — an import batch, its undo, or a plain INSERT by a
 * test or a script — marks the slices it touches in derived_stale (family 'metrics.*', period = the
 * month) in the same statement; the engine serves a figure from the aggregates only when none of the
 * slices it needs is marked, and the import hook recomputes the marked slices and clears the marks
 * inside the import transaction. A stale figure can therefore never be served.
 */

/** Statements run by the trigger of `table` for the transition table `rows` (new_rows / old_rows). */
const MARKS: Record<string, (rows: string, op: 'ins' | 'upd' | 'del') => string> = {
  bills: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.bill', bill_month from ${r} on conflict do nothing;
    insert into derived_stale (family, period)
      select distinct 'metrics.zero_fee', (bill_month + make_interval(months => g))::date
      from ${r}, generate_series(0, 3) g on conflict do nothing;`,
  payments: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.bill', bill_month from ${r} where bill_month is not null on conflict do nothing;
    insert into derived_stale (family, period)
      select distinct 'metrics.cash', date_trunc('month', paid_day)::date from ${r}
      where channel = 'cash' and outlet_code is not null on conflict do nothing;`,
  adjustments: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.bill', bill_month from ${r} on conflict do nothing;`,
  refunds: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.cash', date_trunc('month', refunded_day)::date from ${r}
      where channel = 'cash' and outlet_code is not null on conflict do nothing;`,
  cash_deposits: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.cash', date_trunc('month', business_date)::date from ${r} on conflict do nothing;`,
  orders: (r) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.orders', date_trunc('month', order_day)::date from ${r} on conflict do nothing;`,
  // a new or removed subscriber has no bills/orders (foreign keys), so only the cohort and the zero-fee
  // months change; an update matters only when county, product, install or disconnect date changed,
  // and then every slice of that subscriber's bills, payments, adjustments and orders is marked
  subscribers: (r, op) => {
    // ch: the subscribers that matter, with the earliest date (install or disconnect, old or new) that moved
    const ch =
      op === 'upd'
        ? `with ch as (select n.subscriber_id,
              least(n.install_date, o.install_date, n.disconnect_date, o.disconnect_date) as since
            from new_rows n join old_rows o on o.subscriber_id = n.subscriber_id
            where (n.county_code, n.product_code, n.install_date, n.disconnect_date)
              is distinct from (o.county_code, o.product_code, o.install_date, o.disconnect_date))`
        : `with ch as (select subscriber_id, least(install_date, disconnect_date) as since from ${r})`;
    const perSub =
      op === 'upd'
        ? `
    insert into derived_stale (family, period)
      ${ch} select distinct 'metrics.bill', b.bill_month from bills b where b.subscriber_id in (select subscriber_id from ch)
      union select distinct 'metrics.bill', p.bill_month from payments p
        where p.bill_month is not null and p.subscriber_id in (select subscriber_id from ch)
      union select distinct 'metrics.bill', a.bill_month from adjustments a where a.subscriber_id in (select subscriber_id from ch)
      union select distinct 'metrics.orders', date_trunc('month', o.order_day)::date from orders o
        where o.subscriber_id in (select subscriber_id from ch)
      on conflict do nothing;`
        : '';
    return `${perSub}
    insert into derived_stale (family, period)
      ${ch} select 'metrics.subs', '1900-01-01'::date where exists (select 1 from ch) on conflict do nothing;
    insert into derived_stale (family, period)
      ${ch} select 'metrics.zero_fee', z.month from mx_zero_fee_months z
      where z.month >= (select date_trunc('month', min(since))::date from ch)
      on conflict do nothing;`;
  },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mx_bill_state (
      bill_month date not null,
      county_code text not null,
      product_code text not null,
      valid_from date,
      valid_to date,
      due bigint not null,
      collected bigint not null,
      owed bigint not null
    );
    create index mx_bill_state_month on mx_bill_state (bill_month);
    create table mx_bill_lastday (
      bill_month date not null,
      event_month date not null,
      last_day date not null,
      primary key (bill_month, event_month)
    );
    create table mx_revenue (
      bill_month date not null,
      adj_month date,
      county_code text not null,
      product_code text not null,
      amount bigint not null
    );
    create index mx_revenue_month on mx_revenue (bill_month);
    create table mx_orders_daily (
      day date not null,
      order_type text not null,
      county_code text not null,
      product_code text not null,
      n bigint not null
    );
    create index mx_orders_daily_day on mx_orders_daily (day);
    create table mx_sub_cohort (
      county_code text not null,
      product_code text not null,
      install_month date not null,
      disconnect_month date,
      n bigint not null
    );
    create table mx_zero_fee (
      month date not null,
      county_code text not null,
      product_code text not null,
      users bigint not null,
      activated bigint not null
    );
    create index mx_zero_fee_month on mx_zero_fee (month);
    create table mx_zero_fee_months (month date primary key);
    create table mx_cash_daily (
      outlet_code text not null,
      day date not null,
      expected bigint not null,
      banked bigint not null,
      primary key (outlet_code, day)
    );
    create index mx_cash_daily_day on mx_cash_daily (day);
  `.execute(db);

  for (const [table, marks] of Object.entries(MARKS)) {
    await sql
      .raw(
        `create function mx_mark_${table}() returns trigger language plpgsql as $fn$
        begin
          if TG_OP = 'INSERT' then ${marks('new_rows', 'ins')}
          elsif TG_OP = 'UPDATE' then ${marks('new_rows', 'upd')} ${table === 'subscribers' ? '' : marks('old_rows', 'upd')}
          else ${marks('old_rows', 'del')}
          end if;
          return null;
        end $fn$;
        create trigger mx_mark_${table}_ins after insert on ${table} referencing new table as new_rows
          for each statement execute function mx_mark_${table}();
        create trigger mx_mark_${table}_upd after update on ${table} referencing old table as old_rows new table as new_rows
          for each statement execute function mx_mark_${table}();
        create trigger mx_mark_${table}_del after delete on ${table} referencing old table as old_rows
          for each statement execute function mx_mark_${table}();`,
      )
      .execute(db);
  }

  // data that is already there is stale until the first refresh builds its slices
  await sql`
    insert into derived_stale (family, period)
      select 'metrics.bill', bill_month from bills union select 'metrics.bill', bill_month from adjustments
      union select 'metrics.bill', bill_month from payments where bill_month is not null
      union select 'metrics.zero_fee', (bill_month + make_interval(months => g))::date from (select distinct bill_month from bills) b, generate_series(0, 3) g
      union select 'metrics.orders', date_trunc('month', order_day)::date from orders
      union select 'metrics.cash', date_trunc('month', paid_day)::date from payments where channel = 'cash' and outlet_code is not null
      union select 'metrics.cash', date_trunc('month', refunded_day)::date from refunds where channel = 'cash' and outlet_code is not null
      union select 'metrics.cash', date_trunc('month', business_date)::date from cash_deposits
      union select 'metrics.subs', '1900-01-01'::date where exists (select 1 from subscribers)
    on conflict do nothing;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of Object.keys(MARKS)) {
    await sql
      .raw(
        `drop trigger mx_mark_${table}_ins on ${table}; drop trigger mx_mark_${table}_upd on ${table};
         drop trigger mx_mark_${table}_del on ${table}; drop function mx_mark_${table}();`,
      )
      .execute(db);
  }
  await sql`delete from derived_stale where family like 'metrics.%'`.execute(db);
  await sql`drop table mx_bill_state, mx_bill_lastday, mx_revenue, mx_orders_daily, mx_sub_cohort, mx_zero_fee,
    mx_zero_fee_months, mx_cash_daily`.execute(db);
}
