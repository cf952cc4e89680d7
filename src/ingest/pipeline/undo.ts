import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import { DATASETS, datasetByName } from '../../datasets/index.js';
import { MOVE_TYPES } from '../../datasets/columns.js';
import { Conflict, NotFound } from '../../core/errors.js';
import { recordAudit } from '../../modules/audit/audit.repository.js';
import { runBatchHooks, runCommittedHooks } from '../hooks.js';
import { describeChange, keyJoin, refs, valueCols } from './change.js';
import { withDatasetLock } from './dataset-lock.js';
import { assertNotReferenced } from './references.js';
import { movedAtText, moveDeltaSql } from './stock.js';

export type UndoResult = { batch_id: number; dataset: string; restored: number; deleted: number };

/**
 * Return the rows a batch wrote to the versions it replaced: rows it updated get their previous version
 * back, rows it inserted are deleted. Refused when a later batch (not undone) changed any of them —
 * that batch's saved version names this batch — or when later data still references a row it inserted,
 * or (stock moves) when the stock of a warehouse and item would go below zero without its moves.
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
        // taken before the rows change: the batch's own versions are gone afterwards
        const stockGroups = def.key === 'stock_moves' ? await touchedStockGroups(trx, batchId, prev) : null;
        const cols = valueCols(def);
        const restored = await sql`update ${T} t set (${sql.join(cols.map((c) => sql.ref(c)))}, batch_id) =
            (${refs('p', cols)}, p.batch_id)
          from (${sql`select r.* from import_row_versions v, jsonb_populate_record(null::${T}, v.previous) r
                     where v.batch_id = ${batchId} and v.previous is not null`}) p
          where ${keyJoin(def, 't', 'p')} and t.batch_id = ${batchId}`.execute(trx);
        // no foreign keys on the data tables (migration 202611291100): check references set-based
        await assertNotReferenced(trx, def, batchId);
        const deleted = await sql`delete from ${T} where batch_id = ${batchId}`.execute(trx);
        if (stockGroups !== null) await assertStockNotNegative(trx, batchId, stockGroups);
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
      await runCommittedHooks(database.db, { dataset: def.key, action: 'undo', changed: true });
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

/** Warehouse/item pairs as JSON text (`[{"warehouse_code","item_code"}]`), passed back as one parameter. */
type GroupsJson = string;

/**
 * The (warehouse, item) pairs an undo of a stock_moves batch changes: those of the versions the batch
 * wrote (removed by the undo) and those of the versions it replaced (restored by it). A restored
 * version may sit in another pair than the one it replaces, and both pairs can lose stock.
 */
async function touchedStockGroups(
  trx: Transaction<DB>,
  batchId: number,
  previous: RawBuilder<unknown>,
): Promise<GroupsJson> {
  const r = await sql<{ groups: string }>`select coalesce(jsonb_agg(distinct jsonb_build_object(
      'warehouse_code', g.warehouse_code, 'item_code', g.item_code)), '[]'::jsonb)::text as groups
    from (select m.warehouse_code, m.item_code from stock_moves m where m.batch_id = ${batchId}
          union all
          select p.warehouse_code, p.item_code from (${previous}) p) g`.execute(trx);
  return r.rows[0]?.groups ?? '[]';
}

const moveTypeZh = (t: string): string => MOVE_TYPES.find((m) => m.value === t)?.zh ?? t;

/**
 * After the undo restored and deleted its rows (same transaction): stock of every pair it touched,
 * with moves in (moved_at, move_id) order, must stay at or above zero. The first move where it does not
 * (earliest first) is named; throwing rolls the whole undo back.
 */
async function assertStockNotNegative(
  trx: Transaction<DB>,
  batchId: number,
  groups: GroupsJson,
): Promise<void> {
  const r = await sql<{
    warehouse_code: string;
    item_code: string;
    move_id: string;
    move_type: string;
    moved_at_text: string;
    move_batch_id: number | null;
    balance: number;
    negative_groups: number;
  }>`with g as (
      select x.warehouse_code, x.item_code from jsonb_to_recordset(${groups}::jsonb) as x(warehouse_code text, item_code text)
    ), running as (
      select m.warehouse_code, m.item_code, m.move_id, m.move_type, m.moved_at, m.batch_id,
        sum(${moveDeltaSql('m')})
          over (partition by m.warehouse_code, m.item_code order by m.moved_at, m.move_id
                rows unbounded preceding) as balance
      from stock_moves m join g on g.warehouse_code = m.warehouse_code and g.item_code = m.item_code
    ), first_negative as (
      select distinct on (n.warehouse_code, n.item_code) n.*
      from running n where n.balance < 0
      order by n.warehouse_code, n.item_code, n.moved_at, n.move_id
    )
    select f.warehouse_code, f.item_code, f.move_id, f.move_type,
      ${movedAtText('f')} as moved_at_text,
      f.batch_id as move_batch_id, f.balance, (count(*) over ())::int as negative_groups
    from first_negative f
    order by f.moved_at, f.move_id
    limit 1`.execute(trx);
  const hit = r.rows[0];
  if (!hit) return;
  const more = hit.negative_groups - 1;
  const ofBatch = hit.move_batch_id;
  throw new Conflict(
    `不能撤销批次 ${batchId}：仓库 ${hit.warehouse_code} 物料 ${hit.item_code} 在出库单 ${hit.move_id}` +
      `（${moveTypeZh(hit.move_type)}，${hit.moved_at_text}${ofBatch === null ? '' : `，批次 ${ofBatch}`}）处库存将变为 ${hit.balance}，库存不能为负` +
      (more > 0 ? `；另有 ${more} 个仓库物料组合也会变为负数` : '') +
      (ofBatch === null ? '' : `。请先撤销使用这些库存的批次 ${ofBatch}`),
    `cannot undo batch ${batchId}: the stock of item ${hit.item_code} in warehouse ${hit.warehouse_code} would be ${hit.balance} ` +
      `at the outgoing move ${hit.move_id} (${hit.move_type}, ${hit.moved_at_text}${ofBatch === null ? '' : `, batch ${ofBatch}`}); stock can never be negative` +
      (more > 0 ? `; ${more} more warehouse/item pair${more === 1 ? '' : 's'} would go negative too` : '') +
      (ofBatch === null ? '' : `. Undo batch ${ofBatch}, which uses that stock, first`),
    {
      batchId,
      warehouse_code: hit.warehouse_code,
      item_code: hit.item_code,
      move_id: hit.move_id,
      moved_at: hit.moved_at_text,
      balance: hit.balance,
      moveBatchId: ofBatch,
      negativeGroups: hit.negative_groups,
    },
  );
}
