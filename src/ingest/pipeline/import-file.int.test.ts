import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { importFile } from './import-file.js';
import { ANALYZE_AFTER_ROWS } from './apply.js';
import { onBatchApplied } from '../hooks.js';
import { loadReference, ok, tempDir } from './test/fixtures.js';

let database: TestDatabase;
const files = tempDir('pipe');

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

const bills = (name: string, lines: string[]) =>
  files.write(name, ['subscriber_id,bill_month,amount', ...lines]);

describe('import a file', () => {
  it('imports a clean file with counts and records the batch', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_1.csv', ['S1,202606,100.00', 'S2,2026-06,58']),
      actor: 'alice',
    });
    expect(ok(r)).toEqual({
      status: 'imported',
      counts: { read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
    });
    const rows = await database.db.selectFrom('bills').selectAll().orderBy('subscriber_id').execute();
    expect(rows.map((b) => [b.subscriber_id, b.bill_month, b.amount, b.batch_id])).toEqual([
      ['S1', '2026-06-01', 10000, r.batch_id],
      ['S2', '2026-06-01', 5800, r.batch_id],
    ]);
    const batch = await database.db
      .selectFrom('import_batches')
      .selectAll()
      .where(sql<boolean>`batch_id = ${r.batch_id}`)
      .executeTakeFirstOrThrow();
    expect([batch.actor, batch.status, batch.file_name, batch.rows_read, batch.rows_inserted]).toEqual([
      'alice',
      'imported',
      'bills_1.csv',
      2,
      2,
    ]);
    expect(batch.file_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports the same content as already imported and changes nothing', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_again.csv', ['S1,202606,100.00', 'S2,2026-06,58']),
      actor: 'bob',
    });
    expect(r.status).toBe('already_imported');
    const n = await database.db
      .selectFrom('import_batches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dataset', '=', 'bills')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('replaces rows of a corrected file and counts updated / unchanged / inserted', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_2.csv', ['S1,202606,120.50', 'S2,202606,58.00', 'S1,202607,100']),
      actor: 'alice',
    });
    expect(ok(r)).toEqual({
      status: 'imported',
      counts: { read: 3, inserted: 1, updated: 1, unchanged: 1, rejected: 0 },
    });
    const rows = await database.db
      .selectFrom('bills')
      .select(['subscriber_id', 'bill_month', 'amount', 'batch_id'])
      .orderBy('subscriber_id')
      .orderBy('bill_month')
      .execute();
    expect(rows.map((b) => [b.subscriber_id, b.bill_month, b.amount, b.batch_id === r.batch_id])).toEqual([
      ['S1', '2026-06-01', 12050, true],
      ['S1', '2026-07-01', 10000, true],
      ['S2', '2026-06-01', 5800, false],
    ]);
    const versions = await database.db
      .selectFrom('import_row_versions')
      .selectAll()
      .where('batch_id', '=', r.batch_id ?? 0)
      .execute();
    expect(versions.map((v) => [v.row_key, (v.previous as { amount: number }).amount])).toEqual([
      ['["S1", "2026-06-01"]', 10000],
    ]);
  });

  it('rejects a row naming an unknown subscriber, and the whole file by default', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_3.csv', ['S1,202608,1', 'S999,202608,2']),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.counts).toEqual({ read: 2, inserted: 0, updated: 0, unchanged: 0, rejected: 1 });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 3, column: 'subscriber_id', value: 'S999' });
    expect(r.errors[0]?.message_zh).toContain('S999');
    expect(r.errors[0]?.message_en).toContain('S999');
    const aug = await database.db
      .selectFrom('bills')
      .selectAll()
      .where('bill_month', '=', '2026-08-01')
      .execute();
    expect(aug).toEqual([]);
  });

  it('names every unknown code of every row, column by column, with the header as written', async () => {
    const r = await importFile(database, {
      dataset: 'payments',
      filePath: files.write('payments_refs.csv', [
        '缴费流水号,用户编码,缴费时间,缴费金额,缴费渠道,营业厅编码',
        'PR1,S1,2026-06-01 9:00,10,cash,O1',
        'PR2,S404,2026-06-01 9:00,10,cash,O9',
        'PR3,S2,2026-06-01 9:00,10,cash,O9',
        'PR4,S404,2026-06-01 9:00,10,cash,',
      ]),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.counts.rejected).toBe(3);
    expect(r.errors.map((e) => [e.row, e.column, e.value, e.message_en])).toEqual([
      [3, '用户编码', 'S404', 'unknown subscriber_id "S404": it is not in subscribers'],
      [3, '营业厅编码', 'O9', 'unknown outlet_code "O9": it is not in outlets'],
      [4, '营业厅编码', 'O9', 'unknown outlet_code "O9": it is not in outlets'],
      [5, '用户编码', 'S404', 'unknown subscriber_id "S404": it is not in subscribers'],
    ]);
    expect(r.errors[0]?.message_zh).toBe('用户编码「S404」不存在：用户资料中没有这个编码');
  });

  it('names the earlier row for a key repeated in the file', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_4.csv', ['S1,202609,1', 'S2,202609,2', 'S1,2026-09,3']),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors).toEqual([
      {
        row: 4,
        column: 'subscriber_id',
        value: 'S1 / 2026-09-01',
        message_zh: '与第 2 行重复：同一个键「S1 / 2026-09-01」在文件中出现了两次',
        message_en: 'duplicate of row 2: the key "S1 / 2026-09-01" appears twice in the file',
      },
    ]);
  });

  it('names the first row for every later repeat of a key, and only keys that repeat in full', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: bills('bills_5.csv', [
        'S1,202610,1',
        'S1,202611,2',
        'S1,202610,3',
        'S2,202610,4',
        'S1,202610,5',
      ]),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors.map((e) => [e.row, e.value, e.message_en])).toEqual([
      [4, 'S1 / 2026-10-01', 'duplicate of row 2: the key "S1 / 2026-10-01" appears twice in the file'],
      [6, 'S1 / 2026-10-01', 'duplicate of row 2: the key "S1 / 2026-10-01" appears twice in the file'],
    ]);
  });

  it('imports an empty file with a header as a batch of 0 rows', async () => {
    const r = await importFile(database, {
      dataset: 'payments',
      filePath: files.write('payments_empty.csv', ['payment_id,subscriber_id,paid_at,amount,channel']),
      actor: 'alice',
    });
    expect(ok(r)).toEqual({
      status: 'imported',
      counts: { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(r.batch_id).toBeGreaterThan(0);
  });

  it('rejects a file with a missing required column before reading rows', async () => {
    const r = await importFile(database, {
      dataset: 'bills',
      filePath: files.write('bills_bad.csv', ['subscriber_id,amount', 'S1,1']),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors[0]).toMatchObject({ row: null });
    expect(r.errors[0]?.message_en).toContain('bill_month');
  });

  it('checks the package belongs to the product of a subscriber', async () => {
    const r = await importFile(database, {
      dataset: 'subscribers',
      filePath: files.write('subscribers_x.csv', [
        'subscriber_id,account_id,customer_name,county_code,product_code,package_code,install_date,status',
        'S3,A3,王五,C01,BB,M58,2026-03-01,normal',
      ]),
      actor: 'alice',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors[0]).toMatchObject({ row: 2, column: 'package_code', value: 'M58' });
  });

  it('refreshes the planner statistics of a table after a large batch, before the hooks query it', async () => {
    const reltuples = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select reltuples::bigint as n from pg_class where relname = 'subscribers'`.execute(database.db)
        ).rows[0]?.n,
      );
    const n = ANALYZE_AFTER_ROWS;
    const lines = [
      'subscriber_id,account_id,customer_name,county_code,product_code,package_code,install_date,status',
    ];
    for (let i = 0; i < n; i++) lines.push(`BULK${i},A${i},客户${i},C01,MB,M58,2026-03-01,normal`);
    // what the planner knows of the table while the hooks run, inside the applying transaction
    let seenByHooks = -1;
    const off = onBatchApplied(async (trx) => {
      const x = await sql<{
        n: number;
      }>`select reltuples::bigint as n from pg_class where relname = 'subscribers'`.execute(trx);
      seenByHooks = Number(x.rows[0]?.n);
    });
    const r = await importFile(database, {
      dataset: 'subscribers',
      filePath: files.write('subscribers_bulk.csv', lines),
      actor: 'alice',
    }).finally(off);
    expect(ok(r)).toMatchObject({ status: 'imported', counts: { inserted: n } });
    expect(seenByHooks).toBeGreaterThanOrEqual(n);
    // reltuples is an estimate only ANALYZE (or VACUUM) sets: exact here for a table this small
    expect(await reltuples()).toBeGreaterThanOrEqual(n);
  });
});
