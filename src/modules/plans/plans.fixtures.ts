import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Test data for the plans integration tests, inserted directly (batch_id null): counties C01–C03
 * with households 300/100/100, product P1, and helpers for new-install orders and bills.
 */
export async function seedReference(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('counties')
    .values([
      { county_code: 'C01', county_name: '一县', households: 300 },
      { county_code: 'C02', county_name: '二县', households: 100 },
      { county_code: 'C03', county_name: '三县', households: 100 },
    ])
    .execute();
  await db
    .insertInto('products')
    .values({ product_code: 'P1', product_name: '宽带', needs_terminal: false, needs_deposit: false })
    .execute();
  await db
    .insertInto('packages')
    .values({
      package_code: 'PK1',
      package_name: '宽带套餐',
      product_code: 'P1',
      monthly_fee: 5000,
      billing: 'monthly',
    })
    .execute();
}

let seq = 0;

/** One subscriber in `county` with `n` new-install orders on `day` (local date). */
export async function addInstalls(db: Kysely<DB>, county: string, day: string, n: number): Promise<void> {
  const subs = Array.from({ length: n }, () => `S${++seq}`);
  await db
    .insertInto('subscribers')
    .values(
      subs.map((s) => ({
        subscriber_id: s,
        account_id: `A${s}`,
        customer_name: '用户',
        county_code: county,
        product_code: 'P1',
        package_code: 'PK1',
        install_date: day,
        status: 'normal' as const,
      })),
    )
    .execute();
  await db
    .insertInto('orders')
    .values(
      subs.map((s) => ({
        order_id: `O${s}`,
        subscriber_id: s,
        order_type: 'new_install' as const,
        order_date: `${day} 10:00:00+08`,
        county_code: county,
      })),
    )
    .execute();
}

/** One subscriber in `county` billed `amounts[month]` fen for the given bill months ('YYYY-MM'). */
export async function addBills(
  db: Kysely<DB>,
  county: string,
  amounts: Record<string, number>,
): Promise<void> {
  const s = `B${++seq}`;
  await db
    .insertInto('subscribers')
    .values({
      subscriber_id: s,
      account_id: `A${s}`,
      customer_name: '用户',
      county_code: county,
      product_code: 'P1',
      package_code: 'PK1',
      install_date: '2024-01-01',
      status: 'normal',
    })
    .execute();
  await db
    .insertInto('bills')
    .values(
      Object.entries(amounts).map(([m, amount]) => ({ subscriber_id: s, bill_month: `${m}-01`, amount })),
    )
    .execute();
}
