import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { importFile, type ImportResult } from './import-file.js';
import { directEligible, importDirect, lastDirectOutcome, type DirectInput } from './direct-load.js';
import { loadWithIndexBuild } from './bulk-load.js';
import { DATASETS } from '../../datasets/index.js';
import { loadReference, tempDir } from './test/fixtures.js';

/*
 * The direct path (PostgreSQL only): a first load COPYed straight into its table. Every test compares
 * with the staged path, which the same file takes on a second database (directMinRows: Infinity), or
 * checks that the direct path gave up leaving nothing behind and the staged path reported the file.
 */
const onPostgres = testEngine() === 'postgres';
const files = tempDir('direct');
let direct: TestDatabase;
let staged: TestDatabase;

beforeAll(async () => {
  if (!onPostgres) return;
  direct = await createTestDatabase();
  staged = await createTestDatabase();
  await loadReference(direct, files);
  await loadReference(staged, files);
});
afterAll(async () => {
  if (onPostgres) {
    await direct.dispose();
    await staged.dispose();
  }
  files.remove();
});

const PAY_HEADER = 'payment_id,subscriber_id,bill_month,paid_at,amount,channel,outlet_code';
const payLine = (i: number) =>
  `D${i},S${(i % 2) + 1},202606,2026-06-${String((i % 28) + 1).padStart(2, '0')} 09:30,${(i % 300) + 1}.${String(i % 100).padStart(2, '0')},${i % 3 === 0 ? 'cash' : 'bank'},${i % 3 === 0 ? `O${(i % 2) + 1}` : ''}`;
const payments = (name: string, n: number, edit: (lines: string[]) => void = () => {}) => {
  const lines = Array.from({ length: n }, (_, i) => payLine(i));
  edit(lines);
  return files.write(name, [PAY_HEADER, ...lines]);
};

const opts = (filePath: string, directMinRows: number) => ({
  dataset: 'payments' as const,
  filePath,
  actor: 'clerk',
  directMinRows,
});

/** Everything an import writes, as text, without the ids and times that differ between databases. */
async function snapshot(d: Database): Promise<string> {
  const q = async (text: string) => {
    const r = await sql<{
      s: string | null;
    }>`select string_agg(x::text, E'\n' order by x::text) as s from (${sql.raw(text)}) x`.execute(d.db);
    return r.rows[0]?.s ?? '';
  };
  return [
    await q(
      'select payment_id, subscriber_id, bill_month, paid_at, paid_day, amount, channel, outlet_code, operator_id from payments',
    ),
    await q(
      `select dataset, file_name, status, allow_partial, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, errors
       from import_batches where dataset = 'payments'`,
    ),
    await q(
      `select indexname, indexdef from pg_indexes where tablename = 'payments'
       union all select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'payments'::regclass`,
    ),
    await q('select family, period from derived_stale'),
    await q(
      "select row_no, raw, errors from import_rejects where batch_id in (select batch_id from import_batches where dataset = 'payments')",
    ),
    await q(
      `select action, entity, after - 'hash' from audit_log where entity = 'import_batch' and after->>'dataset' = 'payments'`,
    ),
  ].join('\n---\n');
}

const comparable = (r: ImportResult) => ({ status: r.status, counts: r.counts, errors: r.errors });

describe.skipIf(!onPostgres)('direct path (PostgreSQL)', () => {
  it('is not taken on the embedded engine nor for stock moves and reference data', () => {
    expect(directEligible(direct, DATASETS.payments)).toBe(true);
    expect(directEligible(direct, DATASETS.stock_moves)).toBe(false);
    expect(directEligible(direct, DATASETS.counties)).toBe(false);
    expect(directEligible({ ...direct, pinned: undefined }, DATASETS.payments)).toBe(false);
  });

  it('gives up, writing nothing, on every file the staged path must report', async () => {
    const before = await snapshot(direct);
    const input = (filePath: string, minRows = 1): DirectInput => ({
      def: DATASETS.payments,
      filePath,
      fileName: 'x.csv',
      hash: 'h',
      actor: 'clerk',
      allowPartial: false,
      startedAt: new Date(),
      minRows,
    });
    const cases: [string, string, number?][] = [
      ['unknown subscriber', payments('ref.csv', 50, (l) => (l[20] = l[20]!.replace(/,S\d,/, ',S404,')))],
      // line 21 is a cash payment at an outlet: one that is not in the reference data
      ['unknown outlet', payments('outlet.csv', 50, (l) => (l[21] = l[21]!.replace(/,O\d$/, ',O404')))],
      ['duplicate key', payments('dup.csv', 50, (l) => (l[30] = l[30]!.replace(/^D30,/, 'D3,')))],
      [
        'bad amount in the first rows',
        payments('amt.csv', 50, (l) => (l[5] = l[5]!.replace(/,[\d.]+,(cash|bank)/, ',12.345,$1'))),
      ],
      // beyond the rows read before deciding: found while loading
      [
        'bad date after 12,000 rows',
        payments('late.csv', 12_500, (l) => (l[12_100] = l[12_100]!.replace('2026-06-', '2026-13-'))),
      ],
      ['unclosed quote', payments('quote.csv', 50, (l) => (l[40] = `"${l[40]}`))],
      ['missing column', files.write('nocol.csv', ['payment_id,subscriber_id', 'D1,S1'])],
      ['smaller than the threshold', payments('small.csv', 50), 51],
    ];
    const outcomes: string[] = [];
    for (const [what, file, minRows] of cases) {
      expect(await importDirect(direct, input(file, minRows)), what).toBeNull();
      outcomes.push(lastDirectOutcome());
      expect(await snapshot(direct), what).toBe(before);
    }
    expect(outcomes).toEqual([
      'gave up: a reference is not there',
      'gave up: a reference is not there',
      'gave up: a key is stored already or twice in the file',
      'gave up: row 7 does not parse',
      'gave up: row 12102 does not parse',
      'gave up: the file became unreadable',
      'gave up: the file cannot be read',
      'gave up: too few rows',
    ]);
  });

  it('reports a file with errors exactly as the staged path does (it went the staged way)', async () => {
    const file = payments('payments_bad.csv', 2_000, (l) => {
      l[10] = l[10]!.replace(/,S\d,/, ',S404,');
      l[20] = l[20]!.replace(/^D20,/, 'D0,');
    });
    const a = await importFile(direct, opts(file, 1));
    // the duplicate fails the unique index's build before the references are checked
    expect(lastDirectOutcome()).toBe('gave up: a key is stored already or twice in the file');
    const b = await importFile(staged, opts(file, Infinity));
    expect(a.status).toBe('rejected');
    expect(a.errors.map((e) => [e.row, e.column])).toEqual([
      [12, 'subscriber_id'],
      [22, 'payment_id'],
    ]);
    expect(comparable(a)).toEqual(comparable(b));
    expect(await snapshot(direct)).toBe(await snapshot(staged));
  });

  it('lands a clean first load exactly as the staged path does', async () => {
    const file = payments('payments_2026-06.csv', 3_000);
    const a = await importFile(direct, opts(file, 1));
    expect(lastDirectOutcome()).toBe('loaded');
    const b = await importFile(staged, opts(file, Infinity));
    expect(comparable(a)).toEqual({
      status: 'imported',
      counts: { read: 3_000, inserted: 3_000, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
    });
    expect(comparable(a)).toEqual(comparable(b));
    expect(await snapshot(direct)).toBe(await snapshot(staged));
    // every row carries the batch, and the table's indexes are all back, valid
    const r = await sql<{ n: number; invalid: number }>`select
        (select count(*)::int from payments where batch_id is distinct from ${a.batch_id}) as n,
        (select count(*)::int from pg_index where indrelid = 'payments'::regclass and not indisvalid) as invalid`.execute(
      direct.db,
    );
    expect(r.rows[0]).toEqual({ n: 0, invalid: 0 });
  });

  it('loads a file in several COPYs, reporting progress on the way', async () => {
    // 25,000 new keys into a table holding 3,000: a first load still
    const file = payments('payments_many.csv', 25_000, (l) => {
      for (let i = 0; i < l.length; i++) l[i] = (l[i] as string).replace(/^D/, 'E');
    });
    const seen: number[] = [];
    const a = await importDirect(direct, {
      def: DATASETS.payments,
      filePath: file,
      fileName: 'payments_many.csv',
      hash: 'many',
      actor: 'clerk',
      allowPartial: false,
      startedAt: new Date(),
      minRows: 1,
      chunkRows: 4_000,
      onProgress: (rows) => seen.push(rows),
    });
    expect(lastDirectOutcome()).toBe('loaded');
    expect(a?.counts).toEqual({ read: 25_000, inserted: 25_000, updated: 0, unchanged: 0, rejected: 0 });
    // every 10,000 rows or so, increasing
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const b = await importFile(staged, { ...opts(file, Infinity), fileName: 'payments_many.csv' });
    expect(b.counts).toEqual(a?.counts);
    const rows = async (d: Database) =>
      (
        await sql<{ s: string }>`select md5(string_agg(p::text, ',' order by payment_id)) as s
          from (select payment_id, subscriber_id, bill_month, paid_at, paid_day, amount, channel, outlet_code from payments) p`.execute(
          d.db,
        )
      ).rows[0]?.s;
    expect(await rows(direct)).toBe(await rows(staged));
  });

  it('takes an Excel workbook too (Chinese headers, month and money cells), landing what the staged path lands', async () => {
    const file = path.join(files.dir, '账单.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('账单');
    ws.addRow(['用户编码', '账期', '应收金额']);
    // 2 subscribers × 120 months
    for (let m = 0; m < 240; m++) {
      const month = 201601 + Math.floor(m / 2 / 12) * 100 + ((m >> 1) % 12);
      ws.addRow([`S${(m % 2) + 1}`, month, 58 + (m % 7) + 0.5]);
    }
    await wb.xlsx.writeFile(file);
    const a = await importFile(direct, { ...opts(file, 1), dataset: 'bills' });
    expect(lastDirectOutcome()).toBe('loaded');
    const b = await importFile(staged, { ...opts(file, Infinity), dataset: 'bills' });
    expect(comparable(a)).toEqual({
      status: 'imported',
      counts: { read: 240, inserted: 240, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
    });
    expect(comparable(a)).toEqual(comparable(b));
    const rows = async (d: Database) =>
      (
        await sql<{
          s: string;
        }>`select string_agg(subscriber_id || ' ' || bill_month || ' ' || amount, ',' order by subscriber_id, bill_month) as s from bills`.execute(
          d.db,
        )
      ).rows[0]?.s;
    expect(await rows(direct)).toBe(await rows(staged));
    expect(await rows(direct)).toContain('S1 2016-01-01 5850');
  });

  it('leaves a table that already holds more than half the file to the staged path, with the same result', async () => {
    // 3,000 stored rows, a file of 4,000 (1,000 of them stored already): upsert by key
    const file = payments('payments_more.csv', 4_000, (l) => {
      l[0] = l[0]!.replace(/,[\d.]+,bank/, ',999.99,bank');
    });
    const a = await importFile(direct, opts(file, 1));
    expect(lastDirectOutcome()).toBe('gave up: the table holds too many rows or is in use');
    const b = await importFile(staged, opts(file, Infinity));
    expect(comparable(a)).toEqual(comparable(b));
    expect(a.counts.inserted).toBe(1_000);
    expect(await snapshot(direct)).toBe(await snapshot(staged));
  });

  it('does not wait for a reader holding the table: it gives up after the lock wait', async () => {
    const d = await createTestDatabase();
    try {
      await loadReference(d, files);
      const reader = new pg.Client({ connectionString: d.url });
      await reader.connect();
      try {
        await reader.query('begin');
        await reader.query('select count(*) from payments');
        const t0 = Date.now();
        const r = await importFile(d, opts(payments('payments_busy.csv', 500), 1));
        expect(lastDirectOutcome()).toBe('gave up: the table holds too many rows or is in use');
        // the staged path's insert (ROW EXCLUSIVE) does not conflict with the reader's ACCESS SHARE
        expect(r.status).toBe('imported');
        expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
      } finally {
        await reader.query('rollback');
        await reader.end();
      }
    } finally {
      await d.dispose();
    }
  });
});

describe('index build after a large load (both engines)', () => {
  it('builds the same indexes again after the load; a duplicate key fails the load and changes nothing', async () => {
    const d = await createTestDatabase();
    try {
      await d.exec(`create table bulk_t (id text primary key, v integer not null, w text);
        create index bulk_t_v on bulk_t (v) where v > 0;
        create unique index bulk_t_w on bulk_t (lower(w));
        insert into bulk_t values ('a', 1, 'A')`);
      const defs = async () =>
        (
          await sql<{ d: string }>`select indexdef || ' valid=' || i.indisvalid as d from pg_indexes x
            join pg_index i on i.indexrelid = (quote_ident(x.indexname))::regclass
            where tablename = 'bulk_t' order by indexname`.execute(d.db)
        ).rows.map((r) => r.d);
      const rows = async () =>
        (
          await sql<{ s: string }>`select string_agg(id || v || w, ',' order by id) as s from bulk_t`.execute(
            d.db,
          )
        ).rows[0]?.s;
      const before = await defs();
      expect(before).toHaveLength(3);
      const load = (values: string) =>
        d.db.transaction().execute((trx) =>
          loadWithIndexBuild(
            trx,
            d.engine,
            'bulk_t',
            10,
            () =>
              sql
                .raw(`insert into bulk_t values ${values}`)
                .execute(trx)
                .then(() => {}),
            1,
          ),
        );
      // fewer rows than the threshold: nothing is dropped
      expect(
        await d.db
          .transaction()
          .execute((trx) => loadWithIndexBuild(trx, d.engine, 'bulk_t', 10, async () => {}, 11)),
      ).toBe(false);
      expect(await load(`('b', 2, 'B'), ('c', 0, 'C')`)).toBe(true);
      expect(await defs()).toEqual(before);
      expect(await rows()).toBe('a1A,b2B,c0C');
      // the indexes work: the planner can use them and they enforce uniqueness again
      await expect(d.exec(`insert into bulk_t values ('b', 5, 'Z')`)).rejects.toThrow(/duplicate key/);
      // a duplicate in the load fails when the unique index is built: everything is rolled back
      await expect(load(`('d', 3, 'D'), ('e', 4, 'a')`)).rejects.toThrow(
        /duplicate key|could not create unique index/,
      );
      expect(await defs()).toEqual(before);
      expect(await rows()).toBe('a1A,b2B,c0C');
      // a table holding more than half the batch keeps its indexes
      expect(
        await d.db
          .transaction()
          .execute((trx) => loadWithIndexBuild(trx, d.engine, 'bulk_t', 5, async () => {}, 1)),
      ).toBe(false);
    } finally {
      await d.dispose();
    }
  });
});
