import { sql, type Kysely } from 'kysely';

/*
 * The import pipeline replaces the foreign keys of the subscriber master and the event tables.
 *
 * Why: PostgreSQL checks a foreign key row by row (one RI trigger and one index probe per row and per
 * key). Measured on PostgreSQL 15, 200,000 bills: 0.9 s to insert without foreign keys, 5.4 s with
 * the two of bills (subscriber_id, batch_id); subscribers carry five. The pipeline already checks
 * every reference set-based, in one anti-join per column, before it applies a batch
 * (src/ingest/pipeline/validate.ts checkReferences, from the `ref` of each dataset column), and
 * these tables are written only by the pipeline (and by generators that load consistent data).
 *
 * What keeps the guarantees:
 * - import: references are validated against the stored data; the applying transaction locks the
 *   referenced tables in SHARE mode and re-checks the references when a batch of a referenced dataset
 *   landed or was undone since validation (src/ingest/pipeline/apply.ts);
 * - undo: undoing a batch that inserted rows checks, set-based, that no row of a dataset referencing
 *   it (by the same `ref` metadata) still points at them, and refuses with the usual message
 *   (src/ingest/pipeline/undo.ts); the reference tables keep their own (small) foreign keys.
 * - batch_id: import_batches rows are never deleted (an undone batch keeps its record).
 */
const TABLES = [
  'subscribers',
  'orders',
  'contracts',
  'bills',
  'payments',
  'refunds',
  'adjustments',
  'cash_deposits',
  'deposits',
  'stock_moves',
] as const;

/** [table, column, referenced table] as created by 202611281901_create_event_tables. */
const FKS: [string, string, string][] = [
  ['subscribers', 'county_code', 'counties'],
  ['subscribers', 'outlet_code', 'outlets'],
  ['subscribers', 'product_code', 'products'],
  ['subscribers', 'package_code', 'packages'],
  ['orders', 'subscriber_id', 'subscribers'],
  ['orders', 'county_code', 'counties'],
  ['orders', 'outlet_code', 'outlets'],
  ['contracts', 'subscriber_id', 'subscribers'],
  ['contracts', 'package_code', 'packages'],
  ['bills', 'subscriber_id', 'subscribers'],
  ['payments', 'subscriber_id', 'subscribers'],
  ['payments', 'outlet_code', 'outlets'],
  ['refunds', 'subscriber_id', 'subscribers'],
  ['refunds', 'outlet_code', 'outlets'],
  ['adjustments', 'subscriber_id', 'subscribers'],
  ['cash_deposits', 'outlet_code', 'outlets'],
  ['deposits', 'subscriber_id', 'subscribers'],
  ['stock_moves', 'warehouse_code', 'warehouses'],
  ['stock_moves', 'item_code', 'items'],
  ['stock_moves', 'subscriber_id', 'subscribers'],
  ...TABLES.map((t): [string, string, string] => [t, 'batch_id', 'import_batches']),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of FKS) {
    // the default constraint name of an inline `references`: <table>_<column>_fkey
    await sql.raw(`alter table ${table} drop constraint if exists ${table}_${column}_fkey`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column, parent] of FKS) {
    await sql
      .raw(
        `alter table ${table} add constraint ${table}_${column}_fkey foreign key (${column}) references ${parent}`,
      )
      .execute(db);
  }
}
