import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { onBatchApplied, type BatchChange } from '../hooks.js';
import { importFile } from './import-file.js';
import { undoBatch } from './undo.js';
import { dataFreshness } from './freshness.js';
import { importDirectory } from './import-dir.js';
import { loadReference, ok, tempDir } from './test/fixtures.js';
import { Conflict } from '../../core/errors.js';
import { createImportService } from '../../modules/imports/imports.service.js';
import { systemActor } from '../../server/rbac.js';

let database: TestDatabase;
const files = tempDir('life');

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

const MOVES = 'move_id,moved_at,warehouse_code,item_code,move_type,quantity,terminal_sn,subscriber_id';

describe('stock never negative', () => {
  const file = [
    MOVES,
    'M1,2026-06-01 09:00,W1,CABLE,purchase_in,100,,',
    'M2,2026-06-02 10:00,W1,CABLE,install_out,60,,S1',
    'M3,2026-06-03 10:00,W1,CABLE,install_out,50,,S1',
    'M4,2026-06-04,W1,CABLE,purchase_in,20,,',
  ];

  it('rejects the file, naming the move where the stock runs out', async () => {
    const r = await importFile(database, {
      dataset: 'stock_moves',
      filePath: files.write('moves_1.csv', file),
      actor: 't',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 4, column: 'move_id', value: 'M3' });
    expect(r.errors[0]?.message_zh).toContain('-10');
    const n = await sql<{ n: number }>`select count(*)::int as n from stock_moves`.execute(database.db);
    expect(n.rows[0]?.n).toBe(0);
  });

  it('with allow-partial rejects only that move', async () => {
    const r = await importFile(database, {
      dataset: 'stock_moves',
      filePath: files.write('moves_1b.csv', file),
      actor: 't',
      allowPartial: true,
    });
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1 },
    });
    const ids = await sql<{ move_id: string }>`select move_id from stock_moves order by 1`.execute(
      database.db,
    );
    expect(ids.rows.map((x) => x.move_id)).toEqual(['M1', 'M2', 'M4']);
  });

  it('rejects a new move that would push a later stored move below zero', async () => {
    // stored: +100 (06-01 09:00), -60 (06-02), +20 (06-04); the new move takes 50 at 06-01 12:00 → -10 at M2
    const r = await importFile(database, {
      dataset: 'stock_moves',
      filePath: files.write('moves_2.csv', [MOVES, 'M5,2026-06-01 12:00,W1,CABLE,install_out,50,,S1']),
      actor: 't',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors[0]).toMatchObject({ row: 2, value: 'M5' });
    expect(r.errors[0]?.message_en).toContain('"M2"');
  });

  it('requires quantity 1 and a terminal serial number for serialized items', async () => {
    const r = await importFile(database, {
      dataset: 'stock_moves',
      filePath: files.write('moves_3.csv', [
        MOVES,
        'M6,2026-06-05,W1,ONU,purchase_in,2,SN1,',
        'M7,2026-06-05,W1,ONU,purchase_in,1,,',
      ]),
      actor: 't',
    });
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'quantity'],
      [3, 'terminal_sn'],
    ]);
  });
});

describe('allow-partial round trip', () => {
  it('keeps the bad rows with their original cells, and the fixed rows import afterwards', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_p.csv', [
        '用户编码,账期,应收金额,备注',
        'S1,202611,10',
        'SX,202611,20',
        'S2,202611,abc',
      ]),
      actor: 't',
      allowPartial: true,
    });
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 },
    });
    expect(r.unknown_columns).toEqual(['备注']);
    const rejects = await sql<{
      row_no: number;
      raw: Record<string, string>;
    }>`select row_no, raw from import_rejects
      where batch_id = ${r.batch_id} order by row_no`.execute(database.db);
    expect(rejects.rows.map((x) => [x.row_no, x.raw])).toEqual([
      [
        3,
        [
          ['用户编码', 'SX'],
          ['账期', '202611'],
          ['应收金额', '20'],
          ['备注', ''],
        ],
      ],
      [
        4,
        [
          ['用户编码', 'S2'],
          ['账期', '202611'],
          ['应收金额', 'abc'],
          ['备注', ''],
        ],
      ],
    ]);
    // the user fixes the two rows and imports them again
    const fixed = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_p_fixed.csv', ['用户编码,账期,应收金额', 'S1,202612,20', 'S2,202611,30']),
      actor: 't',
    });
    expect(ok(fixed)).toEqual({
      status: 'imported',
      counts: { read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
    });
  });
});

describe('reject file round trip', () => {
  it('downloads rejects with negative amounts as plain numbers, and the fixed file imports them', async () => {
    const head = 'adjustment_id,subscriber_id,bill_month,adjusted_at,amount,reason';
    const r = await importFile(database, {
      dataset: 'adjustments',
      filePath: files.write('adj_rt.csv', [
        head,
        'J10,S1,202609,2026-09-01,-5.00,冲正',
        // unknown subscriber; month 13: both rows carry negative amounts the fix must not disturb
        'J11,SX,202609,2026-09-02,-12.00,退费冲正',
        'J12,S2,2026-13,2026-09-03,"-1,234.50",',
      ]),
      actor: 'rt',
      allowPartial: true,
    });
    expect(ok(r)).toEqual({
      status: 'partial',
      counts: { read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 },
    });
    const service = createImportService({ database });
    const download = await service.rejects(systemActor('rt'), r.batch_id ?? 0, 'csv');
    expect(download.fileName).toBe(`adjustments_rejects_${r.batch_id}.csv`);
    const csv = String(download.body);
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.slice(0, 1)).toEqual([`${head},原行号 row,拒绝原因 reason`]);
    expect(lines[1]?.startsWith('J11,SX,202609,2026-09-02,-12.00,退费冲正,3,')).toBe(true);
    expect(lines[2]?.startsWith('J12,S2,2026-13,2026-09-03,"-1,234.50",,4,')).toBe(true);
    expect(lines.slice(3)).toEqual(['']);
    // the user fixes the two bad cells and imports the downloaded file as it is otherwise
    const fixedCsv = csv.replace('J11,SX,', 'J11,S1,').replace('J12,S2,2026-13,', 'J12,S2,202609,');
    const fixedPath = files.write('adj_rt_rejects_fixed.csv', [fixedCsv.replace(/\r\n$/, '')]);
    const again = await importFile(database, { dataset: 'adjustments', filePath: fixedPath, actor: 'rt' });
    expect(again.errors).toEqual([]);
    expect(ok(again)).toEqual({
      status: 'imported',
      counts: { read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(again.unknown_columns).toEqual(['原行号 row', '拒绝原因 reason']);
    const rows = await sql<{
      adjustment_id: string;
      subscriber_id: string;
      amount: number;
    }>`select adjustment_id, subscriber_id, amount from adjustments
      where adjustment_id in ('J10', 'J11', 'J12') order by 1`.execute(database.db);
    expect(rows.rows).toEqual([
      { adjustment_id: 'J10', subscriber_id: 'S1', amount: -500 },
      { adjustment_id: 'J11', subscriber_id: 'S1', amount: -1200 },
      { adjustment_id: 'J12', subscriber_id: 'S2', amount: -123450 },
    ]);
  });
});

describe('undo', () => {
  it('refuses to undo a subscriber batch while later bills reference its subscribers (no foreign keys)', async () => {
    const subs = await importFile(database, {
      dataset: 'subscribers',
      filePath: files.write('subscribers_ref.csv', [
        'subscriber_id,account_id,customer_name,county_code,outlet_code,product_code,package_code,install_date,status',
        'S90,A90,王五,C01,O1,BB,P100,2026-03-01,normal',
        'S91,A91,赵六,C02,O2,MB,M58,2026-03-02,normal',
      ]),
      actor: 't',
    });
    expect(subs.counts).toMatchObject({ inserted: 2 });
    const bills = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_ref.csv', ['subscriber_id,bill_month,amount', 'S91,202604,30']),
      actor: 't',
    });
    expect(bills.status).toBe('imported');
    await expect(undoBatch(database, subs.batch_id ?? 0, 'u')).rejects.toThrow(
      `cannot undo batch ${subs.batch_id}: data imported later (bills) still references rows it wrote ("S91")`,
    );
    const still = await sql<{ n: number }>`select count(*)::int as n from subscribers
      where subscriber_id in ('S90', 'S91')`.execute(database.db);
    expect(still.rows[0]?.n).toBe(2);
    expect(await undoBatch(database, bills.batch_id ?? 0, 'u')).toMatchObject({ restored: 0, deleted: 1 });
    expect(await undoBatch(database, subs.batch_id ?? 0, 'u')).toMatchObject({ restored: 0, deleted: 2 });
  });

  it('restores previous versions, and is refused while a later batch changed the same rows', async () => {
    const a = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_u1.csv', [
        'subscriber_id,bill_month,amount',
        'S1,202510,1',
        'S2,202510,2',
      ]),
      actor: 't',
    });
    const b = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_u2.csv', [
        'subscriber_id,bill_month,amount',
        'S1,202510,5',
        'S2,202510,2',
      ]),
      actor: 't',
    });
    expect(b.counts).toMatchObject({ updated: 1, unchanged: 1 });
    await expect(undoBatch(database, a.batch_id ?? 0, 'u')).rejects.toBeInstanceOf(Conflict);
    await expect(undoBatch(database, a.batch_id ?? 0, 'u')).rejects.toThrow(`later batch ${b.batch_id}`);
    expect(await undoBatch(database, b.batch_id ?? 0, 'u')).toMatchObject({ restored: 1, deleted: 0 });
    const rows = await sql<{
      subscriber_id: string;
      amount: number;
      batch_id: number;
    }>`select subscriber_id, amount, batch_id from bills
      where bill_month = '2025-10-01' order by 1`.execute(database.db);
    expect(rows.rows).toEqual([
      { subscriber_id: 'S1', amount: 100, batch_id: a.batch_id },
      { subscriber_id: 'S2', amount: 200, batch_id: a.batch_id },
    ]);
    expect(await undoBatch(database, a.batch_id ?? 0, 'u')).toMatchObject({ restored: 0, deleted: 2 });
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from bills where bill_month = '2025-10-01'`.execute(database.db);
    expect(left.rows[0]?.n).toBe(0);
    const st = await sql<{
      status: string;
      undone_by: string;
    }>`select status, undone_by from import_batches where batch_id = ${a.batch_id}`.execute(database.db);
    expect(st.rows[0]).toEqual({ status: 'undone', undone_by: 'u' });
    // the same content can land again once its batch was undone
    const again = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_u1b.csv', [
        'subscriber_id,bill_month,amount',
        'S1,202510,1',
        'S2,202510,2',
      ]),
      actor: 't',
    });
    expect(again.status).toBe('imported');
  });
});

describe('derived-data hooks', () => {
  it('receive the months, dates and counties of old and new versions', async () => {
    const seen: BatchChange[] = [];
    const off = onBatchApplied(async (trx, change) => {
      // runs inside the applying transaction: the batch's rows are visible here
      const n = await sql<{
        n: number;
      }>`select count(*)::int as n from adjustments where batch_id = ${change.batchId}`.execute(trx);
      seen.push({ ...change, counties: [...(change.counties ?? []), `rows:${n.rows[0]?.n ?? 0}`] });
    });
    try {
      const head = 'adjustment_id,subscriber_id,bill_month,adjusted_at,amount';
      await importFile(database, {
        dataset: 'adjustments',
        filePath: files.write('adj_1.csv', [head, 'J1,S1,202605,2026-06-30 23:30,-10']),
        actor: 't',
      });
      await importFile(database, {
        dataset: 'adjustments',
        filePath: files.write('adj_2.csv', [head, 'J1,S1,202607,2026-07-02 8:00,-10']),
        actor: 't',
      });
    } finally {
      off();
    }
    expect(
      seen.map(({ months, dateRange, counties, action }) => ({ months, dateRange, counties, action })),
    ).toEqual([
      {
        months: ['2026-05', '2026-06'],
        dateRange: { from: '2026-06-30', to: '2026-06-30' },
        counties: ['C01', 'rows:1'],
        action: 'apply',
      },
      {
        months: ['2026-05', '2026-06', '2026-07'],
        dateRange: { from: '2026-06-30', to: '2026-07-02' },
        counties: ['C01', 'rows:1'],
        action: 'apply',
      },
    ]);
  });
});

describe('data freshness and import dir', () => {
  it('imports a folder in dependency order, skips unknown files and reports missing days', async () => {
    const dir = tempDir('dir');
    try {
      dir.write('缴费_0601.csv', [
        'payment_id,subscriber_id,paid_at,amount,channel',
        'P1,S1,2026-06-01 10:00,50,cash',
        'P2,S9,2026-06-02 10:00,50,cash',
        'P3,S9,2026-06-04,20,bank',
      ]);
      dir.write('subscribers_new.csv', [
        'subscriber_id,account_id,customer_name,county_code,product_code,package_code,install_date,status',
        'S9,A9,赵六,C02,MB,M58,2026-05-01,normal',
      ]);
      dir.write('notes.txt', ['hello']);
      const reports = await importDirectory(database, { dir: dir.dir, actor: 't' });
      expect(reports.map((r) => [r.file, r.dataset, r.status, r.counts.inserted])).toEqual([
        ['notes.txt', null, 'skipped', 0],
        ['subscribers_new.csv', 'subscribers', 'imported', 1],
        ['缴费_0601.csv', 'payments', 'imported', 3],
      ]);
    } finally {
      dir.remove();
    }
    const f = await dataFreshness(database);
    const payments = f.find((x) => x.dataset === 'payments');
    expect(payments).toMatchObject({
      rows: 3,
      firstLoaded: '2026-06-01',
      lastLoaded: '2026-06-04',
      missingDays: ['2026-06-03'],
    });
    expect(payments?.lastBatchAt).not.toBeNull();
    expect(f.find((x) => x.dataset === 'bills')).toMatchObject({ lastLoaded: '2026-12', missingDays: null });
    expect(f.find((x) => x.dataset === 'counties')).toMatchObject({ rows: 2, lastLoaded: null });
  });
});
