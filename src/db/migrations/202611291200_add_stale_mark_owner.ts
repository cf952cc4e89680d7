import { sql, type Kysely } from 'kysely';

/*
 * Which transaction set each stale mark. A batch hook that brings a slice up to date inside the
 * batch's own transaction (src/metrics/aggregates/incremental.ts) clears only the marks that this
 * transaction's triggers set: a mark left by an earlier write, whose refresh has not run yet, stays
 * for the full refresh.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table derived_stale add column marked_xid xid8 not null default pg_current_xact_id()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table derived_stale drop column marked_xid`.execute(db);
}
