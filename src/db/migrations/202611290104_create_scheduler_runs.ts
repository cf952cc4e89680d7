import { sql, type Kysely } from 'kysely';

// One row per scheduled job run, so "did last night's list generation run?" has an answer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table scheduler_runs (
      run_id bigserial primary key,
      job text not null,
      trigger text not null check (trigger in ('schedule','manual')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null check (status in ('running','ok','failed')),
      message text
    );
    create index scheduler_runs_job on scheduler_runs (job, started_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table scheduler_runs`.execute(db);
}
