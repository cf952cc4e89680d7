import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Engine } from '../../db/connect.js';
import { trace } from './trace.js';

/*
 * Index builds instead of index maintenance for a large load into a (nearly) empty table.
 *
 * Inserting a row into a B-tree costs a descent, a leaf write and a WAL record per index; building the
 * index afterwards is one sort of the whole table. Measured on PostgreSQL 15 (2 cores), 1,000,000
 * payments into an empty table with its four indexes: 5.2–5.4 s row by row, 1.5 s for the rows and
 * 1.8 s for the four builds. A build reads the whole table, so it only pays when the table holds
 * fewer rows than the batch (a first load, or the first months of history); beyond that the rows are
 * inserted with the indexes in place.
 *
 * Everything happens inside the applying transaction: the indexes are dropped and created again in it,
 * so a failure, a rollback or a killed process leaves them exactly as they were. Dropping an index
 * needs the table's ACCESS EXCLUSIVE lock until commit (readers of this table wait for the few seconds
 * of the load); the lock is only tried for LOCK_WAIT — when a long query is reading the table, the
 * batch is applied row by row instead of queueing every other reader behind it. On the embedded
 * engine the database is this process's alone and the lock is always free.
 */

/** Batches smaller than this insert row by row whatever the table holds. */
export const BUILD_MIN_ROWS = 100_000;
/** Rebuild only when the table holds at most this fraction of the batch's rows. */
const BUILD_MAX_EXISTING_RATIO = 0.5;
const LOCK_WAIT = '2s';
/** SQLSTATE of a lock_timeout */
const LOCK_NOT_AVAILABLE = '55P03';

export type IndexDef = { name: string; def: string; constraint: string | null; constraintDef: string | null };

/**
 * The table's indexes that can be dropped and rebuilt: all but those backing a constraint another
 * table's foreign key depends on (dropping those would need CASCADE).
 */
async function rebuildableIndexes(trx: Transaction<DB>, table: string): Promise<IndexDef[]> {
  const r = await sql<IndexDef>`select ci.relname as name, pg_get_indexdef(i.indexrelid) as def,
      c.conname as constraint, pg_get_constraintdef(c.oid) as "constraintDef"
    from pg_index i
    join pg_class ci on ci.oid = i.indexrelid
    left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
    where i.indrelid = ${table}::regclass
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
    order by ci.relname`.execute(trx);
  return r.rows;
}

/**
 * Whether `rows` new rows are worth an index build: enough of them, into a table that holds at most
 * half as many (reads at most that many + 1 of its rows). The direct path asks it before it opens its
 * transaction; dropIndexesForLoad asks it again inside.
 */
export async function worthIndexBuild(
  db: Kysely<DB>,
  table: string,
  rows: number,
  minRows = BUILD_MIN_ROWS,
): Promise<boolean> {
  if (rows < minRows) return false;
  const limit = Math.floor(rows * BUILD_MAX_EXISTING_RATIO);
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from (select 1 from ${sql.table(table)} limit ${limit + 1}) x`.execute(db);
  return (r.rows[0]?.n ?? 0) <= limit;
}

/**
 * Inside a transaction about to insert `rows` new rows into `table`: when building the table's indexes
 * afterwards is cheaper, lock the table and drop them; returns what buildIndexes must create again
 * (null: nothing was dropped, insert with the indexes in place).
 */
export async function dropIndexesForLoad(
  trx: Transaction<DB>,
  engine: Engine,
  table: string,
  rows: number,
  minRows = BUILD_MIN_ROWS,
): Promise<IndexDef[] | null> {
  if (!(await worthIndexBuild(trx, table, rows, minRows))) return null;
  const indexes = await rebuildableIndexes(trx, table);
  if (indexes.length === 0) return null;
  if (engine === 'postgres') {
    await sql`savepoint bulk_lock`.execute(trx);
    try {
      await sql`set local lock_timeout = ${sql.lit(LOCK_WAIT)}`.execute(trx);
      await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx);
      await sql`release savepoint bulk_lock`.execute(trx);
    } catch (e) {
      await sql`rollback to savepoint bulk_lock`.execute(trx);
      await sql`release savepoint bulk_lock`.execute(trx);
      if ((e as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw e;
      // a reader holds the table: leave the indexes alone
      return null;
    }
    await sql`set local lock_timeout = default`.execute(trx);
    // the sorts of the builds in memory (the default 64 MB spills a 1M-row key to disk)
    await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
  } else {
    // the embedded engine's memory is this process's (RSS budget): sort in small runs, spill the rest
    await sql`set local maintenance_work_mem = '16MB'`.execute(trx);
  }
  const T = sql.table(table);
  for (const ix of indexes) {
    if (ix.constraint !== null)
      await sql`alter table ${T} drop constraint ${sql.id(ix.constraint)}`.execute(trx);
    else await sql`drop index ${sql.id(ix.name)}`.execute(trx);
  }
  return indexes;
}

/** Create again the indexes dropIndexesForLoad dropped. A duplicate key fails here (unique_violation). */
export async function buildIndexes(
  trx: Transaction<DB>,
  table: string,
  indexes: readonly IndexDef[],
): Promise<void> {
  const T = sql.table(table);
  for (const ix of indexes) {
    if (ix.constraint !== null && ix.constraintDef !== null) {
      await sql`alter table ${T} add constraint ${sql.id(ix.constraint)} ${sql.raw(ix.constraintDef)}`.execute(
        trx,
      );
    } else {
      await sql.raw(ix.def).execute(trx);
    }
    trace(`build ${ix.name}`);
  }
}

/**
 * Run `load` (which inserts `rows` new rows into `table` inside `trx`) with the table's indexes built
 * after it when that is cheaper; otherwise just run it. Returns whether the indexes were rebuilt.
 */
export async function loadWithIndexBuild(
  trx: Transaction<DB>,
  engine: Engine,
  table: string,
  rows: number,
  load: () => Promise<void>,
  minRows = BUILD_MIN_ROWS,
): Promise<boolean> {
  const dropped = await dropIndexesForLoad(trx, engine, table, rows, minRows);
  await load();
  if (dropped === null) return false;
  trace('load without indexes');
  await buildIndexes(trx, table, dropped);
  return true;
}
