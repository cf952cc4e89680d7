import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { PREPARE_MARK as WORKER_MARK, PreparedStatements } from './pglite-prepared.mjs';
import { PREPARE_MARK } from './prepared.js';

/** The prepared path against an in-memory PGlite of its own (the worker's engine, without the worker). */
let pg: PGlite;
let ps: PreparedStatements;
const M = PREPARE_MARK;
const names = async () =>
  (await pg.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map(
    (r) => r.name,
  );

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(
    `create table t (k text primary key, v bigint); insert into t values ('a', 1), ('b', 2), ('c', 3);`,
  );
  ps = new PreparedStatements(pg, 2);
});
afterAll(async () => pg.close());

describe('prepared statements on the embedded engine', () => {
  it('take only marked statements with plain parameters', () => {
    expect(WORKER_MARK).toBe(PREPARE_MARK);
    expect(ps.handles(`${M} select 1`, [])).toBe(true);
    expect(ps.handles(`${M} select $1`, ['x', 1, 2n, true, null])).toBe(true);
    expect(ps.handles('select $1', ['x'])).toBe(false);
    expect(ps.handles(`${M} select $1`, [new Date()])).toBe(false);
    expect(ps.handles(`${M} select $1`, [{ a: 1 }])).toBe(false);
  });

  it('answer like an ordinary query, statement after statement, with the parameters of each run', async () => {
    const text = `${M} select k, v, v * 2 as w from t where v >= $1 order by k`;
    for (const [min, keys] of [
      [2, ['b', 'c']],
      [1, ['a', 'b', 'c']],
      [3, ['c']],
      [9, []],
    ] as const) {
      const r = await ps.query(text, [min]);
      const plain = await pg.query(text, [min]);
      expect(r.rows).toEqual(plain.rows);
      expect(r.rows.map((x) => (x as { k: string }).k)).toEqual(keys);
    }
    // parsed once: one name for the text
    expect(await names()).toEqual(['mo_prepared_1']);
  });

  it('keep at most `max` statements, dropping the least recently used', async () => {
    await ps.query(`${M} select $1::int + 1 as x`, [1]);
    await ps.query(`${M} select k, v, v * 2 as w from t where v >= $1 order by k`, [1]);
    await ps.query(`${M} select $1::int + 2 as x`, [1]);
    // the "+ 1" statement was the least recently used
    expect(await names()).toEqual(['mo_prepared_1', 'mo_prepared_3']);
    expect((await ps.query(`${M} select $1::int + 1 as x`, [41])).rows).toEqual([{ x: 42 }]);
  });

  it('report errors with their code and leave no half-made statement behind', async () => {
    const before = await names();
    await expect(ps.query(`${M} select 1 / $1::int as x`, [0])).rejects.toMatchObject({ code: '22012' });
    await expect(ps.query(`${M} select nope from t`, [])).rejects.toMatchObject({ code: '42703' });
    expect(await names()).toEqual(before);
    // the statement that failed on its value works with another
    expect((await ps.query(`${M} select 1 / $1::int as x`, [1])).rows).toEqual([{ x: 1 }]);
  });

  it('follow a table that changed shape under a statement', async () => {
    const text = `${M} select * from t where k = $1`;
    expect((await ps.query(text, ['a'])).rows).toEqual([{ k: 'a', v: 1 }]);
    await pg.exec(`alter table t add column note text default 'n'`);
    expect((await ps.query(text, ['a'])).rows).toEqual([{ k: 'a', v: 1, note: 'n' }]);
  });

  it('run inside a transaction and see its writes; a rollback undoes them', async () => {
    await pg.exec('begin');
    await pg.query(`insert into t (k, v) values ('z', 26)`);
    expect((await ps.query(`${M} select v from t where k = $1`, ['z'])).rows).toEqual([{ v: 26 }]);
    await pg.exec('rollback');
    expect((await ps.query(`${M} select v from t where k = $1`, ['z'])).rows).toEqual([]);
  });

  it('fail a transaction like any statement, and work again after its rollback', async () => {
    await pg.exec('begin');
    await expect(ps.query(`${M} select 1 / $1::int as y`, [0])).rejects.toMatchObject({ code: '22012' });
    await expect(pg.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    await pg.exec('rollback');
    expect((await ps.query(`${M} select 1 / $1::int as y`, [2])).rows).toEqual([{ y: 0 }]);
  });
});
