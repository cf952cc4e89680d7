import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { importFile, type ImportResult } from './import-file.js';
import { loadReference, ok, tempDir } from './test/fixtures.js';

/*
 * A file row that replaces a stored move (same move_id) must not drive the stock negative either: not
 * by a smaller incoming quantity, not by a later time, not by moving it to another warehouse (the
 * warehouse it leaves is checked too). When such a row is rejected, the stored version stays, and the
 * other rows are checked against it. Each test uses its own item, so the tests do not see each other's
 * stock.
 */
let database: TestDatabase;
const files = tempDir('stock-replace');
const MOVES = 'move_id,moved_at,warehouse_code,item_code,move_type,quantity,terminal_sn,subscriber_id';
let fileNo = 0;

async function moves(lines: string[], allowPartial = false): Promise<ImportResult> {
  fileNo += 1;
  return importFile(database, {
    dataset: 'stock_moves',
    filePath: files.write(`moves_${fileNo}.csv`, [MOVES, ...lines]),
    actor: 't',
    allowPartial,
  });
}

async function landed(lines: string[]): Promise<number> {
  const r = await moves(lines);
  if (r.status !== 'imported') throw new Error(`moves not imported: ${JSON.stringify(r.errors)}`);
  return r.batch_id ?? 0;
}

/** stored moves of one item: move_id, moved_at, warehouse, type, quantity, batch */
async function stored(item: string): Promise<[string, string, string, string, number, number][]> {
  const r = await sql<{
    move_id: string;
    moved_at: string;
    warehouse_code: string;
    move_type: string;
    quantity: number;
    batch_id: number;
  }>`select move_id, to_char(moved_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as moved_at,
      warehouse_code, move_type, quantity, batch_id
    from stock_moves where item_code = ${item} order by move_id`.execute(database.db);
  return r.rows.map((m) => [m.move_id, m.moved_at, m.warehouse_code, m.move_type, m.quantity, m.batch_id]);
}

const replaced = (move: string, wh: string, item: string, at: string, time: string, balance: number) => ({
  value: move,
  column: 'move_id',
  message_zh: `出入库单「${move}」的修改会使仓库「${wh}」物料「${item}」在出入库单「${at}」（${time}）处的库存为 ${balance}，库存不能为负`,
  message_en: `the change to move "${move}" would leave the stock of item "${item}" in warehouse "${wh}" at ${balance} at move "${at}" (${time}); stock can never be negative`,
});
const after = (move: string, wh: string, item: string, balance: number) => ({
  value: move,
  column: 'move_id',
  message_zh: `出入库单「${move}」之后仓库「${wh}」物料「${item}」的库存为 ${balance}，库存不能为负`,
  message_en: `after move "${move}" the stock of item "${item}" in warehouse "${wh}" would be ${balance}; stock can never be negative`,
});

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
  const i = await importFile(database, {
    dataset: 'items',
    filePath: files.write('items_2.csv', [
      'item_code,item_name,unit,serialized,product_code',
      'K1,皮线1,米,否,',
      'K2,皮线2,米,否,',
      'K3,皮线3,米,否,',
      'K4,皮线4,米,否,',
    ]),
    actor: 't',
  });
  expect(i.counts).toMatchObject({ inserted: 4 });
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

describe('a replaced move never drives the stock negative', () => {
  // stored: M1 +10 (06-01), M2 -8 (06-02): balance 10, then 2
  let base = 0;
  beforeAll(async () => {
    base = await landed([
      'M1,2026-06-01 09:00,W1,CABLE,purchase_in,10,,',
      'M2,2026-06-02 10:00,W1,CABLE,install_out,8,,S1',
    ]);
  });
  const before = () => [
    ['M1', '2026-06-01 09:00', 'W1', 'purchase_in', 10, base],
    ['M2', '2026-06-02 10:00', 'W1', 'install_out', 8, base],
  ];

  it('rejects a smaller incoming quantity that a later move relies on, and changes nothing', async () => {
    // M1 5 instead of 10: 5, then 5 - 8 = -3 at M2
    const r = await moves(['M1,2026-06-01 09:00,W1,CABLE,purchase_in,5,,']);
    expect(ok(r)).toEqual({
      status: 'rejected',
      counts: { read: 1, inserted: 0, updated: 0, unchanged: 0, rejected: 1 },
    });
    expect(r.errors).toEqual([{ row: 2, ...replaced('M1', 'W1', 'CABLE', 'M2', '2026-06-02 10:00', -3) }]);
    expect(r.errors[0]?.message_zh).toBe(
      '出入库单「M1」的修改会使仓库「W1」物料「CABLE」在出入库单「M2」（2026-06-02 10:00）处的库存为 -3，库存不能为负',
    );
    expect(await stored('CABLE')).toEqual(before());
  });

  it('rejects an incoming move moved after the move that uses it', async () => {
    // M2 comes first now: 0 - 8 = -8 at M2, M1's 10 only arrives on 06-03
    const r = await moves(['M1,2026-06-03 09:00,W1,CABLE,purchase_in,10,,']);
    expect(r.status).toBe('rejected');
    expect(r.errors).toEqual([{ row: 2, ...replaced('M1', 'W1', 'CABLE', 'M2', '2026-06-02 10:00', -8) }]);
    expect(await stored('CABLE')).toEqual(before());
  });

  it('checks the warehouse a replaced move leaves', async () => {
    // M1 into W2: W1 keeps only M2, 0 - 8 = -8 at M2 (W2 gets 10 and is fine)
    const r = await moves(['M1,2026-06-01 09:00,W2,CABLE,purchase_in,10,,']);
    expect(r.status).toBe('rejected');
    expect(r.errors).toEqual([{ row: 2, ...replaced('M1', 'W1', 'CABLE', 'M2', '2026-06-02 10:00', -8) }]);
    expect(await stored('CABLE')).toEqual(before());
  });

  it('accepts a replacement that keeps the stock at or above zero (more, and earlier)', async () => {
    // M1 12 on 05-31: 12, then 12 - 8 = 4
    const r = await moves(['M1,2026-05-31 09:00,W1,CABLE,purchase_in,12,,']);
    expect(ok(r)).toEqual({
      status: 'imported',
      counts: { read: 1, inserted: 0, updated: 1, unchanged: 0, rejected: 0 },
    });
    expect(await stored('CABLE')).toEqual([
      ['M1', '2026-05-31 09:00', 'W1', 'purchase_in', 12, r.batch_id],
      ['M2', '2026-06-02 10:00', 'W1', 'install_out', 8, base],
    ]);
  });
});

describe('with allow-partial, a rejected replacement keeps the stored version', () => {
  it('lands the good new move and keeps the stored version of the bad replacement', async () => {
    const base = await landed([
      'P1,2026-06-01 09:00,W1,K1,purchase_in,10,,',
      'P2,2026-06-02 10:00,W1,K1,install_out,8,,S1',
    ]);
    // P1 5 instead of 10 would leave -3 at P2; P5 adds 3 on 06-05 (2 + 3 = 5)
    const r = await moves(
      ['P1,2026-06-01 09:00,W1,K1,purchase_in,5,,', 'P5,2026-06-05 09:00,W1,K1,purchase_in,3,,'],
      true,
    );
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 },
    });
    expect(r.errors).toEqual([{ row: 2, ...replaced('P1', 'W1', 'K1', 'P2', '2026-06-02 10:00', -3) }]);
    expect(await stored('K1')).toEqual([
      ['P1', '2026-06-01 09:00', 'W1', 'purchase_in', 10, base],
      ['P2', '2026-06-02 10:00', 'W1', 'install_out', 8, base],
      ['P5', '2026-06-05 09:00', 'W1', 'purchase_in', 3, r.batch_id],
    ]);
  });

  it('checks the other rows against the stored version of a rejected outgoing replacement', async () => {
    const base = await landed([
      'Q1,2026-06-01 09:00,W1,K2,purchase_in,10,,',
      'Q2,2026-06-02 10:00,W1,K2,install_out,4,,S1',
    ]);
    // Q2 raised to 12: 10 - 12 = -2, rejected, so Q2 stays at 4 (balance 6);
    // Q3 takes 7: 6 - 7 = -1, rejected (against 12 instead of 4 it would have seemed fine: 10 - 7 = 3);
    // Q4 takes 6: 6 - 6 = 0, lands
    const r = await moves(
      [
        'Q2,2026-06-02 10:00,W1,K2,install_out,12,,S1',
        'Q3,2026-06-03 10:00,W1,K2,install_out,7,,S1',
        'Q4,2026-06-04 10:00,W1,K2,install_out,6,,S1',
      ],
      true,
    );
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 },
    });
    expect(r.errors).toEqual([
      { row: 2, ...replaced('Q2', 'W1', 'K2', 'Q2', '2026-06-02 10:00', -2) },
      { row: 3, ...after('Q3', 'W1', 'K2', -1) },
    ]);
    expect(await stored('K2')).toEqual([
      ['Q1', '2026-06-01 09:00', 'W1', 'purchase_in', 10, base],
      ['Q2', '2026-06-02 10:00', 'W1', 'install_out', 4, base],
      ['Q4', '2026-06-04 10:00', 'W1', 'install_out', 6, r.batch_id],
    ]);
  });

  it('re-checks the warehouse a rejected move stays in, and the one it would have gone to', async () => {
    const base = await landed([
      'R1,2026-06-01 09:00,W1,K3,purchase_in,10,,',
      'R2,2026-06-02 10:00,W1,K3,install_out,8,,S1',
    ]);
    // R1 into W2 would leave W1 at -8 at R2: rejected, so R1's 10 stays in W1;
    // R3 takes 5 from W2, which only R1 would have filled: 0 - 5 = -5, rejected on the second round;
    // R4 adds 1 to W1 (2 + 1 = 3): lands
    const r = await moves(
      [
        'R1,2026-06-01 09:00,W2,K3,purchase_in,10,,',
        'R3,2026-06-03 10:00,W2,K3,install_out,5,,S1',
        'R4,2026-06-04 10:00,W1,K3,purchase_in,1,,',
      ],
      true,
    );
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 },
    });
    expect(r.errors).toEqual([
      { row: 2, ...replaced('R1', 'W1', 'K3', 'R2', '2026-06-02 10:00', -8) },
      { row: 3, ...after('R3', 'W2', 'K3', -5) },
    ]);
    expect(await stored('K3')).toEqual([
      ['R1', '2026-06-01 09:00', 'W1', 'purchase_in', 10, base],
      ['R2', '2026-06-02 10:00', 'W1', 'install_out', 8, base],
      ['R4', '2026-06-04 10:00', 'W1', 'purchase_in', 1, r.batch_id],
    ]);
  });
});

describe('stock that is already negative in the stored data', () => {
  it('does not blame the file for it, only for making it worse', async () => {
    // a legacy move stored without any stock before it (written directly: no import accepts it)
    await sql`insert into stock_moves (move_id, moved_at, warehouse_code, item_code, move_type, quantity, subscriber_id)
      values ('L1', '2026-06-01 09:00+08', 'W1', 'K4', 'install_out', 2, 'S1')`.execute(database.db);
    // -2, then +1: -1, not below what is stored (-2)
    const good = await moves(['L2,2026-06-02 09:00,W1,K4,purchase_in,1,,']);
    expect(good.status).toBe('imported');
    // -1, then -1 more: -2 where the stored stock is -1
    const bad = await moves(['L3,2026-06-03 09:00,W1,K4,scrap,1,,']);
    expect(bad.status).toBe('rejected');
    expect(bad.errors).toEqual([{ row: 2, ...after('L3', 'W1', 'K4', -2) }]);
    expect((await stored('K4')).map((m) => m[0])).toEqual(['L1', 'L2']);
  });
});
