import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { factories } from '../../../test/support/factories.js';

/*
 * The bills trigger marks, for every bill month a statement writes or removes, that month's bill slice
 * and the zero-fee months it reaches (the month and the three after it), whatever the statement.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  await f.county('C01');
  await f.product('MB');
  for (const s of ['S1', 'S2', 'S3'])
    await f.subscriber(s, { county: 'C01', product: 'MB', install: '2025-01-10' });
});
afterAll(() => t.dispose());

async function marks(): Promise<string[]> {
  const r = await sql<{
    m: string;
  }>`select family || ' ' || to_char(period, 'YYYY-MM') as m from derived_stale
    where family in ('metrics.bill', 'metrics.zero_fee') order by 1`.execute(t.db);
  return r.rows.map((x) => x.m);
}
const clear = () => sql`delete from derived_stale`.execute(t.db);

describe('bills trigger stale marks', () => {
  it('marks each bill month and the zero-fee months it reaches, once, on insert, update and delete', async () => {
    await clear();
    await sql`insert into bills (subscriber_id, bill_month, amount) values
      ('S1', '2026-05-01', 100), ('S2', '2026-05-01', 0), ('S3', '2026-06-01', 5), ('S1', '2026-06-01', 7)`.execute(
      t.db,
    );
    expect(await marks()).toEqual([
      'metrics.bill 2026-05',
      'metrics.bill 2026-06',
      'metrics.zero_fee 2026-05',
      'metrics.zero_fee 2026-06',
      'metrics.zero_fee 2026-07',
      'metrics.zero_fee 2026-08',
      'metrics.zero_fee 2026-09',
    ]);

    await clear();
    // an update marks the months of both versions
    await sql`update bills set bill_month = '2026-12-01' where subscriber_id = 'S3'`.execute(t.db);
    expect(await marks()).toEqual([
      'metrics.bill 2026-06',
      'metrics.bill 2026-12',
      'metrics.zero_fee 2026-06',
      'metrics.zero_fee 2026-07',
      'metrics.zero_fee 2026-08',
      'metrics.zero_fee 2026-09',
      'metrics.zero_fee 2026-12',
      'metrics.zero_fee 2027-01',
      'metrics.zero_fee 2027-02',
      'metrics.zero_fee 2027-03',
    ]);

    await clear();
    await sql`delete from bills where bill_month = '2026-05-01'`.execute(t.db);
    expect(await marks()).toEqual([
      'metrics.bill 2026-05',
      'metrics.zero_fee 2026-05',
      'metrics.zero_fee 2026-06',
      'metrics.zero_fee 2026-07',
      'metrics.zero_fee 2026-08',
    ]);

    await clear();
    // a statement that writes nothing marks nothing
    await sql`delete from bills where bill_month = '1999-01-01'`.execute(t.db);
    expect(await marks()).toEqual([]);
  });
});
