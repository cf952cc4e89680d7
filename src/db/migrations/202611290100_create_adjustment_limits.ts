import { sql, type Kysely } from 'kysely';

// Monthly adjustment (调帐) limits per county and for the city (county_code null), set by the market
// department. One row per (month, county); the expression index makes "the city" a unique key too.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table adjustment_limits (
      limit_month date not null check (extract(day from limit_month) = 1),
      county_code text references counties,
      limit_amount bigint not null check (limit_amount >= 0),
      updated_at timestamptz not null default now(),
      updated_by text not null
    );
    create unique index adjustment_limits_key on adjustment_limits (limit_month, (coalesce(county_code, '')));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table adjustment_limits`.execute(db);
}
