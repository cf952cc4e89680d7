import { sql, type Kysely } from 'kysely';

// Long-term arrears cleanup targets (清欠目标): per year, for a county or the city (county_code null), the
// amount of long-term arrears to clear, measured from the long-term arrears at baseline_date.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table arrears_targets (
      target_year integer not null check (target_year between 2000 and 2999),
      county_code text references counties,
      baseline_date date not null,
      target_amount bigint not null check (target_amount >= 0),
      updated_at timestamptz not null default now(),
      updated_by text not null
    );
    create unique index arrears_targets_key on arrears_targets (target_year, (coalesce(county_code, '')));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table arrears_targets`.execute(db);
}
