import { sql, type Kysely } from 'kysely';

// The collections bulletin archive (通报): one row per period; the figures are kept as generated so an
// archived bulletin reads the same later even after corrected data arrives.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table collection_bulletins (
      bulletin_id bigserial primary key,
      period_kind text not null check (period_kind in ('week','month')),
      period_key text not null,
      period_from date not null,
      period_to date not null,
      content jsonb not null,
      generated_at timestamptz not null default now(),
      generated_by text not null,
      unique (period_kind, period_key)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table collection_bulletins`.execute(db);
}
