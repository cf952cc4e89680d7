import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import { Conflict } from '../../core/errors.js';
import { DATASETS, type DatasetDef, type DatasetKey } from '../../datasets/index.js';
import type { Staging } from './staging.js';

/*
 * The subscriber master and the event tables have no foreign keys (migration 202611291100): the
 * pipeline checks references set-based. These helpers keep that as safe as the foreign keys were
 * against a referenced batch landing or being undone between validation and apply, and against an undo
 * removing rows that later data still references.
 */

/** Datasets a dataset references (other than itself), from the `ref` of its columns. */
const referencedBy = (def: DatasetDef): { column: string; ref: DatasetKey }[] =>
  def.columns.flatMap((c) => (c.ref && c.ref !== def.key ? [{ column: c.key, ref: c.ref }] : []));

/** A fingerprint of the batches of the referenced datasets: changes when one lands or is undone. */
export type RefsSeen = string;

async function fingerprint(db: Database['db'] | Transaction<DB>, def: DatasetDef): Promise<RefsSeen> {
  const refs = [...new Set(referencedBy(def).map((r) => r.ref))];
  if (refs.length === 0) return '';
  const r = await sql<{ f: string }>`select concat_ws('/', count(*), max(batch_id), max(undone_at)::text,
      count(*) filter (where status = 'undone')) as f
    from import_batches where dataset in (${sql.join(refs)})`.execute(db);
  return r.rows[0]?.f ?? '';
}

/** Taken before the references are validated. */
export const referencesSeen = (database: Database, def: DatasetDef): Promise<RefsSeen> =>
  fingerprint(database.db, def);

/** Block writers of the tables `def` references until the transaction ends (SHARE: readers go on). */
export async function lockReferencedTables(trx: Transaction<DB>, def: DatasetDef): Promise<void> {
  const tables = [...new Set(referencedBy(def).map((c) => DATASETS[c.ref].table))];
  if (tables.length === 0) return;
  await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in share mode`.execute(trx);
}

/**
 * Inside the applying transaction: block writers of the referenced tables until commit (SHARE lock,
 * readers are not blocked), and when a batch of a referenced dataset landed or was undone since the
 * references were validated, check them again (set-based) and refuse the batch if one is gone.
 */
export async function lockReferences(
  trx: Transaction<DB>,
  def: DatasetDef,
  st: Staging,
  seen: RefsSeen | null,
): Promise<void> {
  const cols = referencedBy(def);
  if (cols.length === 0) return;
  await lockReferencedTables(trx, def);
  if (seen !== null && (await fingerprint(trx, def)) === seen) return;
  for (const c of cols) {
    const ref = DATASETS[c.ref];
    const v = sql.ref(`s.${c.column}`);
    const r = await sql<{ v: string }>`select ${v}::text as v from ${sql.table(st.rows)} s
      where ${v} is not null and not exists (select 1 from ${sql.table(ref.table)} r
        where ${sql.ref(`r.${ref.keyColumns[0] as string}`)} = ${v}) limit 1`.execute(trx);
    const gone = r.rows[0]?.v;
    if (gone !== undefined) {
      throw new Conflict(
        `导入期间${ref.zh}被修改，「${gone}」已不存在，请重新导入`,
        `${ref.key} changed during the import: "${gone}" no longer exists; import the file again`,
        { dataset: def.key, column: c.column, value: gone },
      );
    }
  }
}

/**
 * Before an undo deletes the rows a batch inserted (those still carrying its batch_id after the
 * replaced ones were restored): refuse when data of a dataset that references this one points at them.
 */
export async function assertNotReferenced(
  trx: Transaction<DB>,
  def: DatasetDef,
  batchId: number,
): Promise<void> {
  const key = def.keyColumns[0] as string;
  for (const other of Object.values(DATASETS)) {
    for (const c of referencedBy(other)) {
      if (c.ref !== def.key) continue;
      const r = await sql<{
        v: string;
      }>`select x.${sql.ref(c.column)}::text as v from ${sql.table(other.table)} x
        where x.${sql.ref(c.column)} in (select t.${sql.ref(key)} from ${sql.table(def.table)} t where t.batch_id = ${batchId})
        limit 1`.execute(trx);
      const hit = r.rows[0]?.v;
      if (hit !== undefined) {
        throw new Conflict(
          `不能撤销批次 ${batchId}：之后导入的数据（${other.zh}）仍引用它写入的行「${hit}」，请先撤销那些数据的批次`,
          `cannot undo batch ${batchId}: data imported later (${other.key}) still references rows it wrote ("${hit}"); undo those batches first`,
          { batchId, dataset: other.key, value: hit },
        );
      }
    }
  }
}
