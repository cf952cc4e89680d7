import { sql, type Kysely } from 'kysely';

/*
 * Extended statistics for the (subscriber, bill month) groups the detail queries aggregate: without
 * them the planner multiplies the two columns' distinct counts and underestimates the payment groups
 * by orders of magnitude (a sort-based plan where a hash aggregate fits). They are filled by ANALYZE
 * (autovacuum on PostgreSQL; the import pipeline after a large batch).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create statistics payments_sub_month_nd (ndistinct) on subscriber_id, bill_month from payments;
    create statistics adjustments_sub_month_nd (ndistinct) on subscriber_id, bill_month from adjustments;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop statistics payments_sub_month_nd, adjustments_sub_month_nd`.execute(db);
}
