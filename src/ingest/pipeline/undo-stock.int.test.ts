import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { importFile } from './import-file.js';
import { undoBatch } from './undo.js';
import { loadReference, tempDir } from './test/fixtures.js';
import { Conflict } from '../../core/errors.js';

/*
 * Undo of a stock_moves batch must leave the stock of every warehouse and item it touched at or above
 * zero, moves in (moved_at, move_id) order. Each test uses its own warehouse/item pair or time window,
 * and undoes what it imported, so the tests do not see each other's stock.
 */
let database: TestDatabase;
const files = tempDir('undo-stock');
const MOVES = 'move_id,moved_at,warehouse_code,item_code,move_type,quantity,terminal_sn,subscriber_id';
let fileNo = 0;

async function moves(lines: string[]): Promise<number> {
  fileNo += 1;
  const r = await importFile(database, {
    dataset: 'stock_moves',
    filePath: files.write(`moves_${fileNo}.csv`, [MOVES, ...lines]),
    actor: 't',
  });
  if (r.status !== 'imported') throw new Error(`moves not imported: ${JSON.stringify(r.errors)}`);
  return r.batch_id ?? 0;
}

async function stored(): Promise<[string, string, number, number][]> {
  const r = await sql<{
    move_id: string;
    warehouse_code: string;
    quantity: number;
    batch_id: number;
  }>`select move_id, warehouse_code, quantity, batch_id from stock_moves order by move_id`.execute(
    database.db,
  );
  return r.rows.map((m) => [m.move_id, m.warehouse_code, m.quantity, m.batch_id]);
}

async function batchStatus(batchId: number): Promise<string | undefined> {
  const r = await sql<{
    status: string;
  }>`select status from import_batches where batch_id = ${batchId}`.execute(database.db);
  return r.rows[0]?.status;
}

async function undoAudits(batchId: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from audit_log
    where action = 'undo' and entity = 'import_batch' and entity_id = ${String(batchId)}`.execute(
    database.db,
  );
  return r.rows[0]?.n ?? -1;
}

async function refusal(batchId: number): Promise<Conflict> {
  const e: unknown = await undoBatch(database, batchId, 'u').then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof Conflict)) throw new Error(`expected a Conflict, got ${String(e)}`);
  return e;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
  const w = await importFile(database, {
    dataset: 'warehouses',
    filePath: files.write('warehouses_2.csv', [
      'warehouse_code,warehouse_name,county_code',
      'W1,城区仓,C01',
      'W2,东县仓,C02',
    ]),
    actor: 't',
  });
  expect(w.counts).toMatchObject({ inserted: 1, unchanged: 1 });
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

describe('undo of stock moves never leaves stock negative', () => {
  it('refuses to undo a stock-in batch whose stock later outgoing moves use, and changes nothing', async () => {
    const stockIn = await moves(['M01,2026-06-01 09:00,W1,CABLE,purchase_in,10,,']);
    // 10 in stock; 4 then 6 go out: 6, then 0
    const out = await moves([
      'M02,2026-06-02 10:00,W1,CABLE,install_out,4,,S1',
      'M03,2026-06-03 10:00,W1,CABLE,install_out,6,,S1',
    ]);
    const before = await stored();
    expect(before).toEqual([
      ['M01', 'W1', 10, stockIn],
      ['M02', 'W1', 4, out],
      ['M03', 'W1', 6, out],
    ]);
    // without M01: -4 at M02 (the first move where the stock runs out), -10 at M03
    const e = await refusal(stockIn);
    expect(e.message_zh).toBe(
      `不能撤销批次 ${stockIn}：仓库 W1 物料 CABLE 在出库单 M02（装机领用，2026-06-02 10:00，批次 ${out}）处库存将变为 -4，库存不能为负。请先撤销使用这些库存的批次 ${out}`,
    );
    expect(e.message_en).toBe(
      `cannot undo batch ${stockIn}: the stock of item CABLE in warehouse W1 would be -4 at the outgoing move M02 (install_out, 2026-06-02 10:00, batch ${out}); stock can never be negative. Undo batch ${out}, which uses that stock, first`,
    );
    expect(e.details).toMatchObject({
      batchId: stockIn,
      warehouse_code: 'W1',
      item_code: 'CABLE',
      move_id: 'M02',
      balance: -4,
      moveBatchId: out,
      negativeGroups: 1,
    });
    // rolled back: rows, batch status and audit trail as before
    expect(await stored()).toEqual(before);
    expect(await batchStatus(stockIn)).toBe('imported');
    expect(await undoAudits(stockIn)).toBe(0);

    // a later stock-in batch whose stock nobody uses can be undone: the balance stays 6, 0, then 0
    const extra = await moves(['M04,2026-06-04 09:00,W1,CABLE,purchase_in,5,,']);
    expect(await undoBatch(database, extra, 'u')).toMatchObject({ restored: 0, deleted: 1 });
    // undoing the outgoing moves only raises the stock; then the stock-in has no dependant left
    expect(await undoBatch(database, out, 'u')).toMatchObject({ restored: 0, deleted: 2 });
    expect(await undoBatch(database, stockIn, 'u')).toMatchObject({ restored: 0, deleted: 1 });
    expect(await stored()).toEqual([]);
    expect(await batchStatus(stockIn)).toBe('undone');
    expect(await undoAudits(stockIn)).toBe(1);
  });

  it('undoes a stock-in batch when what is left still covers every outgoing move', async () => {
    const first = await moves(['M11,2026-06-11 09:00,W1,CABLE,purchase_in,3,,']);
    const second = await moves(['M12,2026-06-11 10:00,W1,CABLE,purchase_in,4,,']);
    // 3 + 4 in, 3 out: without the second stock-in the balance is 3, then 0 — never below zero
    const out = await moves(['M13,2026-06-12 10:00,W1,CABLE,scrap,3,,']);
    expect(await undoBatch(database, second, 'u')).toMatchObject({ restored: 0, deleted: 1 });
    expect((await stored()).map((m) => m[0])).toEqual(['M11', 'M13']);
    // now the first one is needed by M13 (0 - 3 = -3 at M13)
    expect((await refusal(first)).details).toMatchObject({ move_id: 'M13', balance: -3 });
    await undoBatch(database, out, 'u');
    await undoBatch(database, first, 'u');
    expect(await stored()).toEqual([]);
  });

  it('refuses to restore a smaller stock-in quantity that later moves rely on', async () => {
    const small = await moves(['M21,2026-06-21 09:00,W2,CABLE,purchase_in,5,,']);
    // a corrected extract raises M21 to 12; a later batch takes 9 (balance 3)
    const corrected = await moves(['M21,2026-06-21 09:00,W2,CABLE,purchase_in,12,,']);
    // a move with seconds: shown with them, as the import's messages show it
    const out = await moves(['M22,2026-06-22 14:30:15,W2,CABLE,transfer_out,9,,']);
    // back to 5: 5 - 9 = -4 at M22
    const e = await refusal(corrected);
    expect(e.message_en).toBe(
      `cannot undo batch ${corrected}: the stock of item CABLE in warehouse W2 would be -4 at the outgoing move M22 (transfer_out, 2026-06-22 14:30:15, batch ${out}); stock can never be negative. Undo batch ${out}, which uses that stock, first`,
    );
    expect(e.message_zh).toContain('仓库 W2 物料 CABLE 在出库单 M22（调拨出库，2026-06-22 14:30:15，');
    expect(await stored()).toEqual([
      ['M21', 'W2', 12, corrected],
      ['M22', 'W2', 9, out],
    ]);
    expect(await batchStatus(corrected)).toBe('imported');
    await undoBatch(database, out, 'u');
    expect(await undoBatch(database, corrected, 'u')).toMatchObject({ restored: 1, deleted: 0 });
    expect(await stored()).toEqual([['M21', 'W2', 5, small]]);
    await undoBatch(database, small, 'u');
  });

  it('checks the warehouse a restored move returns to, not only the one the batch moved it to', async () => {
    // W1 and W2 get 2 each; M32 takes W1's 2 (W1: 0)
    const stockIn = await moves([
      'M30,2026-07-01 09:00,W2,CABLE,purchase_in,2,,',
      'M31,2026-07-01 09:00,W1,CABLE,purchase_in,2,,',
    ]);
    const takeW1 = await moves(['M32,2026-07-03 10:00,W1,CABLE,install_out,2,,S1']);
    // a corrected extract says M32 left W2, not W1 (W1: 2, W2: 0); M33 then takes W1's 2 (W1: 0)
    const moved = await moves(['M32,2026-07-03 10:00,W2,CABLE,install_out,2,,S1']);
    const takeW1Again = await moves(['M33,2026-07-04 10:00,W1,CABLE,install_out,2,,S1']);
    // undo puts M32 back into W1: 2 - 2 (M32) - 2 (M33) = -2 at M33; W2 gets its 2 back
    const e = await refusal(moved);
    expect(e.details).toMatchObject({
      warehouse_code: 'W1',
      item_code: 'CABLE',
      move_id: 'M33',
      balance: -2,
      moveBatchId: takeW1Again,
      negativeGroups: 1,
    });
    expect(await stored()).toEqual([
      ['M30', 'W2', 2, stockIn],
      ['M31', 'W1', 2, stockIn],
      ['M32', 'W2', 2, moved],
      ['M33', 'W1', 2, takeW1Again],
    ]);
    await undoBatch(database, takeW1Again, 'u');
    expect(await undoBatch(database, moved, 'u')).toMatchObject({ restored: 1, deleted: 0 });
    expect(await stored()).toEqual([
      ['M30', 'W2', 2, stockIn],
      ['M31', 'W1', 2, stockIn],
      ['M32', 'W1', 2, takeW1],
    ]);
    await undoBatch(database, takeW1, 'u');
    await undoBatch(database, stockIn, 'u');
    expect(await stored()).toEqual([]);
  });

  it('names the earliest failing move and counts the other pairs that would go negative', async () => {
    const stockIn = await moves([
      'M41,2026-08-01 09:00,W1,CABLE,purchase_in,1,,',
      'M42,2026-08-01 09:00,W2,CABLE,purchase_in,1,,',
    ]);
    // W2's move is earlier than W1's: W2 -1 at M43 (08-02), W1 -1 at M44 (08-03)
    const out = await moves([
      'M43,2026-08-02 08:00,W2,CABLE,scrap,1,,',
      'M44,2026-08-03 08:00,W1,CABLE,scrap,1,,',
    ]);
    const e = await refusal(stockIn);
    expect(e.details).toMatchObject({ warehouse_code: 'W2', move_id: 'M43', balance: -1, negativeGroups: 2 });
    expect(e.message_zh).toContain('；另有 1 个仓库物料组合也会变为负数');
    expect(e.message_en).toContain('; 1 more warehouse/item pair would go negative too');
    await undoBatch(database, out, 'u');
    await undoBatch(database, stockIn, 'u');
  });
});
