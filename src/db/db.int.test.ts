import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { migrationStatus } from './migrate.js';
import { prepared } from './prepared.js';

describe('database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.dispose());

  it('is migrated to the latest version', async () => {
    const st = await migrationStatus(t.db);
    expect(st.length).toBeGreaterThan(0);
    expect(st.every((m) => m.executedAt !== null)).toBe(true);
  });

  it('reads bigint as exact numbers, dates as ISO strings, in Asia/Shanghai', async () => {
    const r = await sql<{ b: number; d: string; local: string }>`
      select 9007199254740991::bigint as b, date '2024-02-29' as d,
             ('2026-06-30 23:30:00+08'::timestamptz at time zone 'Asia/Shanghai')::date::text as local`.execute(
      t.db,
    );
    expect(r.rows[0]).toEqual({ b: 9007199254740991, d: '2024-02-29', local: '2026-06-30' });
  });

  it('reads the same values through a prepared statement, run after run', async () => {
    for (const day of ['2024-02-29', '2026-06-30']) {
      const q = sql`select 9007199254740991::bigint as b, ${day}::date as d, 12.5::numeric as n, true as t`;
      const plain = await q.execute(t.db);
      const named = await sql`${prepared(q)}`.execute(t.db);
      expect(named.rows).toEqual(plain.rows);
      expect(named.rows[0]).toEqual({ b: 9007199254740991, d: day, n: '12.5', t: true });
    }
  });

  it('stores the local date of a timestamp beside it', async () => {
    await t.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('counties')
        .values({ county_code: 'X1', county_name: 'x', households: null, population: null, batch_id: null })
        .execute();
      await trx
        .insertInto('products')
        .values({
          product_code: 'P',
          product_name: 'p',
          needs_terminal: false,
          needs_deposit: false,
          batch_id: null,
        })
        .execute();
      await trx
        .insertInto('packages')
        .values({
          package_code: 'K',
          package_name: 'k',
          product_code: 'P',
          monthly_fee: 0,
          billing: 'monthly',
          term_months: null,
          batch_id: null,
        })
        .execute();
      await trx
        .insertInto('subscribers')
        .values({
          subscriber_id: 'S1',
          account_id: 'A1',
          customer_name: '张三',
          id_number: null,
          phone: null,
          county_code: 'X1',
          outlet_code: null,
          product_code: 'P',
          package_code: 'K',
          install_date: '2026-01-01',
          status: 'normal',
          disconnect_date: null,
          terminal_sn: null,
          batch_id: null,
        })
        .execute();
      await trx
        .insertInto('payments')
        .values({
          payment_id: 'PAY1',
          subscriber_id: 'S1',
          bill_month: '2026-06-01',
          paid_at: '2026-06-30 23:59:59+08',
          amount: 100,
          channel: 'cash',
          outlet_code: null,
          operator_id: null,
          batch_id: null,
        })
        .execute();
    });
    const p = await t.db.selectFrom('payments').select(['paid_day', 'amount']).executeTakeFirstOrThrow();
    expect(p).toEqual({ paid_day: '2026-06-30', amount: 100 });
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('counties')
          .values({ county_code: 'X2', county_name: 'y', households: null, population: null, batch_id: null })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const n = await t.db.selectFrom('counties').where('county_code', '=', 'X2').selectAll().execute();
    expect(n).toEqual([]);
  });
});
