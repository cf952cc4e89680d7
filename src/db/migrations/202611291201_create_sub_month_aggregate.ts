import { sql, type Kysely } from 'kysely';

/*
 * Month-end subscriber counts per (county, product): active at the end of each month and those
 * installed before the month who were disconnected in it — the churn figure of one month read as two
 * rows instead of a scan of every cohort. Built with mx_sub_cohort by the 'metrics.subs' refresh.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mx_sub_month (
      month date not null,
      county_code text not null,
      product_code text not null,
      active_end bigint not null,
      churned bigint not null,
      primary key (month, county_code, product_code)
    );
    insert into derived_stale (family, period)
      select 'metrics.subs', '1900-01-01'::date where exists (select 1 from subscribers)
    on conflict do nothing;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mx_sub_month`.execute(db);
}
