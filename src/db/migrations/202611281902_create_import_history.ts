import { sql, type Kysely } from 'kysely';

// What a batch replaced, so it can be undone, and the rows it rejected, so they can be downloaded.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_row_versions (
      batch_id bigint not null references import_batches on delete cascade,
      dataset text not null,
      row_key text not null,
      previous jsonb,
      primary key (batch_id, row_key)
    );
    create table import_rejects (
      batch_id bigint not null references import_batches on delete cascade,
      row_no integer not null,
      raw jsonb not null,
      errors jsonb not null,
      primary key (batch_id, row_no)
    );
    create table derived_stale (
      family text not null,
      period date not null,
      county_code text not null default '',
      marked_at timestamptz not null default now(),
      primary key (family, period, county_code)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table derived_stale, import_rejects, import_row_versions`.execute(db);
}
