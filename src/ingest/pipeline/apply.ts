import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Database } from '../../db/connect.js';
import type { DatasetDef } from '../../datasets/index.js';
import type { RowError } from '../../core/errors.js';
import { recordAudit } from '../../modules/audit/audit.repository.js';
import { runBatchHooks, runCommittedHooks } from '../hooks.js';
import { trace } from './trace.js';
import {
  allCols,
  describeChange,
  differs,
  keyJoin,
  refs,
  rowKey,
  valueCols,
  type ChangeDescription,
} from './change.js';
import type { Staging } from './staging.js';
import { lockReferences, type RefsSeen } from './references.js';
import { loadWithIndexBuild } from './bulk-load.js';

/** A batch that wrote at least this many rows refreshes its table's planner statistics. */
export const ANALYZE_AFTER_ROWS = 50_000;

export type Counts = { read: number; inserted: number; updated: number; unchanged: number; rejected: number };

export type ApplyInput = {
  def: DatasetDef;
  /** null when the file was rejected before any row was staged (file-level error) */
  st: Staging | null;
  status: 'imported' | 'partial' | 'rejected';
  fileName: string;
  hash: string;
  actor: string;
  allowPartial: boolean;
  startedAt: Date;
  read: number;
  rejected: number;
  unknownColumns: string[];
  /** the report's errors (capped); every rejected row is in import_rejects */
  errors: RowError[];
  /** state of the referenced datasets when the references were validated (null: nothing staged) */
  refsSeen: RefsSeen | null;
};

/**
 * The one transaction that makes a batch visible: the batch record, the previous version of every row
 * it replaces, the upsert (only rows that actually differ are written), the reject list, the audit
 * entry and the derived-data hooks. Rejected files get a batch record and rejects only.
 */
export async function applyBatch(
  database: Database,
  p: ApplyInput,
): Promise<{ batchId: number; counts: Counts }> {
  const applied = await database.db.transaction().execute(async (trx) => {
    // the counts, change and upsert statements hash-join the whole batch: keep them in memory on PostgreSQL
    if (database.engine === 'postgres') await sql`set local work_mem = '128MB'`.execute(trx);
    const batchId = await insertBatchRecord(trx, p);
    return applyInTransaction(trx, database, p, batchId, null);
  });
  await afterApplied(database, p.def, applied.counts);
  return applied;
}

/** The batch record (finished by applyInTransaction): its id is the batch_id of every row it writes. */
export async function insertBatchRecord(trx: Transaction<DB>, p: ApplyInput): Promise<number> {
  // raw SQL: the Generated<ColumnType> columns of this table do not type-check as insert values
  const batch = await sql<{ batch_id: number }>`insert into import_batches
      (dataset, file_name, file_hash, actor, status, allow_partial, started_at, unknown_columns, errors)
    values (${p.def.key}, ${p.fileName}, ${p.hash}, ${p.actor}, ${p.status}, ${p.allowPartial}, ${p.startedAt.toISOString()}::timestamptz,
      ${JSON.stringify(p.unknownColumns)}::jsonb, ${JSON.stringify(p.errors)}::jsonb)
    returning batch_id`.execute(trx);
  return Number(batch.rows[0]?.batch_id);
}

/** After the applying transaction committed: the after-commit hooks. */
export async function afterApplied(database: Database, def: DatasetDef, counts: Counts): Promise<void> {
  await runCommittedHooks(database.db, {
    dataset: def.key,
    action: 'apply',
    changed: counts.inserted + counts.updated > 0,
  });
}

/**
 * The applying transaction's work after the batch record: the upsert, the versions it replaces, the
 * hooks, the rejects, the counts and the audit entry. `direct` is set by the direct path
 * (direct-load.ts), which has already written that many new rows into the table itself and described
 * the change.
 */
export async function applyInTransaction(
  trx: Transaction<DB>,
  database: Database,
  p: ApplyInput,
  batchId: number,
  direct: { rows: number; change: ChangeDescription } | null,
): Promise<{ batchId: number; counts: Counts }> {
  const { def, st } = p;
  const T = def.table;
  const counts: Counts = { read: p.read, inserted: 0, updated: 0, unchanged: 0, rejected: p.rejected };

  if (st && p.status !== 'rejected' && direct !== null) {
    counts.inserted = direct.rows;
    await runBatchHooks(trx, { ...direct.change, batchId, action: 'apply', staged: st.rows });
    trace('hooks');
  } else if (st && p.status !== 'rejected') {
    const S = sql.table(st.rows);
    const c = await sql<{ inserted: number; updated: number; total: number }>`
      select count(*) filter (where ${sql.ref(`t.${def.keyColumns[0] as string}`)} is null)::int as inserted,
        count(*) filter (where ${sql.ref(`t.${def.keyColumns[0] as string}`)} is not null and ${differs(def, 't', 's')})::int as updated,
        count(*)::int as total
      from ${S} s left join ${sql.table(T)} t on ${keyJoin(def, 's', 't')}`.execute(trx);
    const row = c.rows[0] ?? { inserted: 0, updated: 0, total: 0 };
    counts.inserted = row.inserted;
    counts.updated = row.updated;
    counts.unchanged = row.total - row.inserted - row.updated;
    trace('counts');

    if (counts.inserted + counts.updated > 0) {
      await lockReferences(trx, def, st, p.refsSeen);
      trace('lockRefs');
      // all keys new (a fresh load): nothing to compare, version or update
      const fresh = counts.updated === 0 && counts.unchanged === 0;
      const changed = sql`select s.* from ${S} s left join ${sql.table(T)} t on ${keyJoin(def, 's', 't')}
            where ${sql.ref(`t.${def.keyColumns[0] as string}`)} is null or ${differs(def, 't', 's')}`;
      const replaced = sql`select t.* from ${S} s join ${sql.table(T)} t on ${keyJoin(def, 's', 't')} where ${differs(def, 't', 's')}`;
      const change = await describeChange(
        trx,
        def,
        fresh ? sql`select s.* from ${S} s` : changed,
        counts.updated === 0 ? null : replaced,
      );
      trace('describeChange');
      const cols = allCols(def);
      const colList = sql.join(cols.map((k) => sql.ref(k)));
      if (counts.updated > 0) {
        // the replaced versions, so the batch can be undone; inserted rows are the ones carrying this
        // batch_id without a version (no row per insert keeps a fresh 1M-row load cheap)
        await sql`insert into import_row_versions (batch_id, dataset, row_key, previous)
          select ${batchId}, ${def.key}, ${rowKey(def, 't')}, to_jsonb(t) from (${replaced}) t`.execute(trx);
        const vc = valueCols(def);
        await sql`update ${sql.table(T)} t set (${sql.join(vc.map((k) => sql.ref(k)))}, batch_id) =
            (${refs('s', vc)}, ${batchId}::bigint)
          from ${S} s where ${keyJoin(def, 's', 't')} and ${differs(def, 't', 's')}`.execute(trx);
        trace('update');
      }
      if (counts.inserted > 0) {
        // plain INSERT … SELECT: the new keys only (no ON CONFLICT arbitration per row)
        const onlyNew = fresh
          ? sql``
          : sql`where not exists (select 1 from ${sql.table(T)} t where ${keyJoin(def, 's', 't')})`;
        const insert = async () => {
          await sql`insert into ${sql.table(T)} (${colList}, batch_id)
            select ${refs('s', cols)}, ${batchId}::bigint from ${S} s ${onlyNew}`.execute(trx);
        };
        // a large first load: build the indexes after the rows instead of maintaining them row by row
        if (fresh) await loadWithIndexBuild(trx, database.engine, T, counts.inserted, insert);
        else await insert();
        trace('insert');
      }
      // fresh planner statistics after a large batch, before the hooks query the table: a plan made
      // for the table before it grew by a month (the batch's id unknown to the statistics) joins its
      // rows by nested loops and takes minutes. Inside the transaction, which sees its own rows; the
      // embedded engine has no autovacuum, and on PostgreSQL it would come later.
      if (counts.inserted + counts.updated >= ANALYZE_AFTER_ROWS) {
        await sql`analyze ${sql.table(T)}`.execute(trx);
        trace('analyze table');
      }
      await runBatchHooks(trx, { ...change, batchId, action: 'apply', staged: st.rows });
      trace('hooks');
    }
  }

  if (st && p.rejected > 0) {
    await sql`insert into import_rejects (batch_id, row_no, raw, errors)
      select ${batchId}, e.row_no,
        coalesce((array_agg(e.raw) filter (where e.raw is not null))[1], '[]'::jsonb),
        coalesce(jsonb_agg(x.err) filter (where x.err is not null), '[]'::jsonb)
      from ${sql.table(st.errors)} e left join lateral jsonb_array_elements(e.errors) x(err) on true
      group by e.row_no`.execute(trx);
  } else if (!st && p.errors.length > 0) {
    await trx
      .insertInto('import_rejects')
      .values({ batch_id: batchId, row_no: 0, raw: '[]', errors: JSON.stringify(p.errors) })
      .execute();
  }

  const durationMs = Date.now() - p.startedAt.getTime();
  await sql`update import_batches set finished_at = now(), duration_ms = ${durationMs}, rows_read = ${counts.read},
      rows_inserted = ${counts.inserted}, rows_updated = ${counts.updated}, rows_unchanged = ${counts.unchanged},
      rows_rejected = ${counts.rejected}
    where batch_id = ${batchId}`.execute(trx);
  await recordAudit(trx, {
    actor: p.actor,
    action: 'import',
    entity: 'import_batch',
    entityId: batchId,
    after: { dataset: def.key, file: p.fileName, status: p.status, counts, hash: p.hash },
  });
  return { batchId, counts };
}
