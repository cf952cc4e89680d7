import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { BinaryCopyBuffer, binaryTypes, pgDays, pgMicros, RowCopyBuffer } from './copy-binary.js';
import { CopyBuffer, csvField } from './staging.js';

/*
 * Binary COPY lands exactly what CSV COPY lands, on the engine under test: every type the importer
 * writes, NULLs, edge dates and times, Chinese text, quotes and separators inside text.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.exec(`create table bin_a (t text, i integer, b bigint, d date, ts timestamptz, f boolean);
    create table bin_b (like bin_a); create table bin_odd (n numeric)`);
});
afterAll(() => t.dispose());

const COLS = ['t', 'i', 'b', 'd', 'ts', 'f'];
const ROWS: Record<string, unknown>[] = [
  { t: '客户,"甲"\n第二行', i: 1, b: 0, d: '2026-06-30', ts: '2026-06-30 23:59:59+08', f: true },
  { t: '', i: -2147483648, b: -1, d: '2000-01-01', ts: '2000-01-01 08:00:00+08', f: false },
  { t: null, i: 2147483647, b: 9007199254740991, d: '1999-12-31', ts: '1999-12-31 00:00:00+08', f: null },
  { t: 'x', i: null, b: -9007199254740991, d: '2024-02-29', ts: '2024-02-29 12:34:56+08', f: true },
  { t: 'y', i: 0, b: 4294967296, d: '1900-03-01', ts: '2099-12-31 23:59:59+08', f: false },
  { t: 'z', i: 7, b: null, d: null, ts: null, f: true },
];

const dump = async (table: string) =>
  (
    await sql<{ r: string }>`select row(x.*)::text as r from ${sql.table(table)} x order by 1`.execute(t.db)
  ).rows.map((x) => x.r);

describe('binary COPY', () => {
  it('lands what CSV lands, for every type the importer writes', async () => {
    const types = await binaryTypes(t.db, 'bin_a', COLS);
    expect(types).toEqual(['text', 'int4', 'int8', 'date', 'timestamptz', 'bool']);
    const bin = new BinaryCopyBuffer(types ?? [], false, 16);
    const csv = new CopyBuffer(16);
    for (const r of ROWS) {
      bin.push(COLS.map((c) => r[c]));
      csv.push(`${COLS.map((c) => csvField(r[c])).join(',')}\n`);
    }
    expect(bin.rows).toBe(ROWS.length);
    expect(await t.copyRows('bin_a', COLS, bin.take(), 'binary')).toBe(ROWS.length);
    await t.copyRows('bin_b', COLS, csv.take());
    const a = await dump('bin_a');
    expect(a).toHaveLength(ROWS.length);
    expect(a).toEqual(await dump('bin_b'));
    // the buffer starts a new stream after a take
    bin.push(COLS.map((c) => ROWS[0]?.[c]));
    expect(await t.copyRows('bin_a', COLS, bin.take(), 'binary')).toBe(1);
  });

  it('writes on into the memory of a loaded stream (or not), without changing what was loaded', async () => {
    for (const reuse of [true, false]) {
      await t.exec(
        'drop table if exists bin_c, bin_d; create table bin_c (like bin_a); create table bin_d (like bin_a)',
      );
      const types = (await binaryTypes(t.db, 'bin_c', COLS)) ?? [];
      const bin = new BinaryCopyBuffer(types, reuse, 64);
      const csv = new CopyBuffer(64);
      const streams: Buffer[] = [];
      for (let round = 0; round < 4; round++) {
        for (const [i, r] of ROWS.entries()) {
          const row: Record<string, unknown> = { ...r, t: `${String(r.t)}#${round}.${i}` };
          bin.push(COLS.map((c) => row[c]));
          csv.push(`${COLS.map((c) => csvField(row[c])).join(',')}\n`);
        }
        const stream = bin.take();
        // without reuse a stream is a buffer of its own, exactly its size (the embedded engine takes it)
        if (!reuse) expect(stream.byteLength).toBe(stream.buffer.byteLength);
        streams.push(stream);
        expect(await t.copyRows('bin_c', COLS, stream, 'binary')).toBe(ROWS.length);
        bin.recycle(stream);
        await t.copyRows('bin_d', COLS, csv.take());
      }
      expect(await dump('bin_c')).toEqual(await dump('bin_d'));
      expect(await dump('bin_c')).toHaveLength(4 * ROWS.length);
      // with reuse two buffers take turns
      const memory = new Set(streams.map((b) => b.buffer));
      expect(memory.size, `reuse ${reuse}`).toBe(reuse ? 2 : 4);
    }
  });

  it('refuses a value of another shape than the parser writes, keeping the rows before it', () => {
    const bin = new BinaryCopyBuffer(['date', 'int8'], false, 16);
    bin.push(['2026-01-01', 5]);
    const before = bin.bytes;
    expect(() => bin.push(['2026/01/01', 5])).toThrow('not a YYYY-MM-DD date');
    expect(() => bin.push(['2026-01-01', 1.5])).toThrow('not a safe integer');
    expect([bin.rows, bin.bytes]).toEqual([1, before]);
  });

  it('names a table with a type it does not write, which is loaded as CSV instead', async () => {
    expect(await binaryTypes(t.db, 'bin_odd', ['n'])).toBeNull();
    expect(await binaryTypes(t.db, 'bin_a', ['t', 'nope'])).toBeNull();
    const odd = await RowCopyBuffer.forTable(t.db, 'bin_odd', ['n'], { reuse: false });
    expect(odd.format).toBe('csv');
    odd.push([12]);
    odd.push([null]);
    expect(await t.copyRows('bin_odd', ['n'], odd.take(), odd.format)).toBe(2);
    expect(await dump('bin_odd')).toEqual(['()', '(12)']);
    const a = await RowCopyBuffer.forTable(t.db, 'bin_a', ['i', 't'], { reuse: true });
    expect(a.format).toBe('binary');
  });

  it('counts days and microseconds from 2000-01-01, Shanghai time', () => {
    expect([pgDays('2000-01-01'), pgDays('2000-03-01'), pgDays('1999-12-31'), pgDays('2026-06-01')]).toEqual([
      0, 60, -1, 9648,
    ]);
    expect(pgMicros('2000-01-01 08:00:00+08')).toBe(0);
    expect(pgMicros('2000-01-01 08:00:01+08')).toBe(1_000_000);
    expect(pgMicros('2000-01-01 00:00:00+08')).toBe(-8 * 3600 * 1_000_000);
    expect([pgDays('2026-6-1'), pgMicros('2026-06-01 08:00:00')]).toEqual([NaN, NaN]);
  });
});
