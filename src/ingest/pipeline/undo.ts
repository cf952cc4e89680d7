import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import { DATASETS, datasetByName } from '../../datasets/index.js';
import { Conflict, NotFound } from '../../core/errors.js';
import { recordAudit } from '../../modules/audit/audit.repository.js';
import { runBatchHooks, runCommittedHooks } from '../hooks.js';
import { describeChange, keyJoin, refs, valueCols } from './change.js';
import { withDatasetLock } from './dataset-lock.js';
import { assertNotReferenced } from './references.js';

export type UndoResult = { batch_id: number; dataset: string; restored: number; deleted: number };

/**
 * Return the rows a batch wrote to the versions it replaced: rows it updated get their previous version
 * back, rows it inserted are deleted. Refused when a later batch (not undone) changed any of them —
 * that batch's saved version names this batch — or when later data still references a row it inserted.
 */
export async function undoBatch(database: Database, batchId: number, actor: string): Promise<UndoResult> {
  const b = await sql<{
    dataset: string;
    status: string;
  }>`select dataset, status from import_batches where batch_id = ${batchId}`.execute(database.db);
  const batch = b.rows[0];
  if (!batch) throw new NotFound('import_batch', batchId);
  const key = datasetByName(batch.dataset);
  if (!key) throw new NotFound('dataset', batch.dataset);
  const def = DATASETS[key];
  const T = sql.table(def.table);
  return withDatasetLock(database, key, async () => {
    try {
      const undone = await database.db.transaction().execute(async (trx) => {
        // writers of this table (an import applying rows that reference it) wait until the undo commits
        await sql`lock table ${T} in share row exclusive mode`.execute(trx);
        const cur = await sql<{
          status: string;
        }>`select status from import_batches where batch_id = ${batchId} for update`.execute(trx);
        const status = cur.rows[0]?.status;
        if (status !== 'imported' && status !== 'partial') {
          throw new Conflict(
            `批次 ${batchId} 的状态是「${status ?? ''}」，只有已导入的批次可以撤销`,
            `batch ${batchId} is ${status ?? ''}; only an imported batch can be undone`,
            { batchId, status },
          );
        }
        const later = await sql<{
          batch_id: number;
          row_key: string;
        }>`select v.batch_id, v.row_key from import_row_versions v
            join import_batches lb on lb.batch_id = v.batch_id
          where v.batch_id > ${batchId} and v.dataset = ${def.key} and lb.status in ('imported','partial')
            and (v.previous->>'batch_id')::bigint = ${batchId}
          order by v.batch_id limit 1`.execute(trx);
        const hit = later.rows[0];
        if (hit) {
          throw new Conflict(
            `不能撤销批次 ${batchId}：之后的批次 ${hit.batch_id} 又修改了它写入的行（如 ${hit.row_key}），请先撤销批次 ${hit.batch_id}`,
            `cannot undo batch ${batchId}: the later batch ${hit.batch_id} changed rows it wrote (e.g. ${hit.row_key}); undo batch ${hit.batch_id} first`,
            { batchId, laterBatchId: hit.batch_id },
          );
        }
        const prev = sql`select r.* from import_row_versions v, jsonb_populate_record(null::${T}, v.previous) r
          where v.batch_id = ${batchId} and v.previous is not null`;
        const change = await describeChange(
          trx,
          def,
          sql`select * from ${T} where batch_id = ${batchId}`,
          prev,
        );
        const cols = valueCols(def);
        const restored = await sql`update ${T} t set (${sql.join(cols.map((c) => sql.ref(c)))}, batch_id) =
            (${refs('p', cols)}, p.batch_id)
          from (${sql`select r.* from import_row_versions v, jsonb_populate_record(null::${T}, v.previous) r
                     where v.batch_id = ${batchId} and v.previous is not null`}) p
          where ${keyJoin(def, 't', 'p')} and t.batch_id = ${batchId}`.execute(trx);
        // no foreign keys on the data tables (migration 202611291100): check references set-based
        await assertNotReferenced(trx, def, batchId);
        const deleted = await sql`delete from ${T} where batch_id = ${batchId}`.execute(trx);
        await sql`update import_batches set status = 'undone', undone_at = now(), undone_by = ${actor} where batch_id = ${batchId}`.execute(
          trx,
        );
        await recordAudit(trx, {
          actor,
          action: 'undo',
          entity: 'import_batch',
          entityId: batchId,
          before: { status },
          after: { status: 'undone' },
          detail: {
            dataset: def.key,
            restored: Number(restored.numAffectedRows ?? 0),
            deleted: Number(deleted.numAffectedRows ?? 0),
          },
        });
        await runBatchHooks(trx, { ...change, batchId, action: 'undo' });
        return {
          batch_id: batchId,
          dataset: def.key,
          restored: Number(restored.numAffectedRows ?? 0),
          deleted: Number(deleted.numAffectedRows ?? 0),
        };
      });
      await runCommittedHooks(database.db);
      return undone;
    } catch (e) {
      // a row the batch inserted is still referenced by later data (e.g. bills of a new subscriber)
      if ((e as { code?: string }).code === '23503') {
        throw new Conflict(
          `不能撤销批次 ${batchId}：之后导入的数据仍引用它写入的行，请先撤销那些数据的批次`,
          `cannot undo batch ${batchId}: data imported later still references rows it wrote; undo those batches first`,
          { batchId },
        );
      }
      throw e;
    }
  });
}
