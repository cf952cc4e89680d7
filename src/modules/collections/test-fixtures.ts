import type { Kysely } from 'kysely';
import type { DB, OrderType, SubscriberStatus } from '../../db/schema.js';

/**
 * Small insert helpers for the collections and follow-up tests: rows go straight into the tables
 * (batch_id null unless given), with defaults a test can override.
 */
export async function seedReference(
  db: Kysely<DB>,
  counties: readonly string[] = ['C01', 'C02'],
): Promise<void> {
  if (counties.length === 0) return seedProducts(db);
  await db
    .insertInto('counties')
    .values(
      counties.map((c) => ({
        county_code: c,
        county_name: `县${c}`,
        households: null,
        population: null,
        batch_id: null,
      })),
    )
    .execute();
  await seedProducts(db);
}

async function seedProducts(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('products')
    .values({
      product_code: 'BB',
      product_name: '宽带',
      needs_terminal: true,
      needs_deposit: true,
      batch_id: null,
    })
    .execute();
  await db
    .insertInto('packages')
    .values([
      {
        package_code: 'P1',
        package_name: '包月',
        product_code: 'BB',
        monthly_fee: 5000,
        billing: 'monthly',
        term_months: null,
        batch_id: null,
      },
      {
        package_code: 'PY',
        package_name: '包年',
        product_code: 'BB',
        monthly_fee: 5000,
        billing: 'prepaid',
        term_months: 12,
        batch_id: null,
      },
    ])
    .execute();
}

export async function addSubscriber(
  db: Kysely<DB>,
  s: {
    id: string;
    county: string;
    install?: string;
    status?: SubscriberStatus;
    disconnect?: string | null;
    name?: string;
    phone?: string;
  },
): Promise<void> {
  await db
    .insertInto('subscribers')
    .values({
      subscriber_id: s.id,
      account_id: `A${s.id}`,
      customer_name: s.name ?? '张三丰',
      id_number: null,
      phone: s.phone ?? '13812345678',
      county_code: s.county,
      outlet_code: null,
      product_code: 'BB',
      package_code: 'P1',
      install_date: s.install ?? '2026-05-20',
      status: s.status ?? 'normal',
      disconnect_date: s.disconnect ?? null,
      terminal_sn: null,
      batch_id: null,
    })
    .execute();
}

export async function addOrder(
  db: Kysely<DB>,
  o: { id: string; sub: string; type: OrderType; at: string; batch?: number | null },
): Promise<void> {
  await db
    .insertInto('orders')
    .values({
      order_id: o.id,
      subscriber_id: o.sub,
      order_type: o.type,
      order_date: `${o.at.length === 10 ? `${o.at} 10:00:00` : o.at}+08`,
      county_code: null,
      outlet_code: null,
      operator_id: null,
      reason: null,
      batch_id: o.batch ?? null,
    })
    .execute();
}

export async function addBill(
  db: Kysely<DB>,
  sub: string,
  month: string,
  amount: number,
  batch: number | null = null,
) {
  await db
    .insertInto('bills')
    .values({ subscriber_id: sub, bill_month: `${month}-01`, amount, batch_id: batch })
    .execute();
}

let seq = 0;
export async function addPayment(
  db: Kysely<DB>,
  p: { sub: string; month: string | null; day: string; amount: number; batch?: number | null },
): Promise<void> {
  seq += 1;
  await db
    .insertInto('payments')
    .values({
      payment_id: `PAY${seq}`,
      subscriber_id: p.sub,
      bill_month: p.month ? `${p.month}-01` : null,
      paid_at: `${p.day} 12:00:00+08`,
      amount: p.amount,
      channel: 'cash',
      outlet_code: null,
      operator_id: null,
      batch_id: p.batch ?? null,
    })
    .execute();
}

export async function addAdjustment(
  db: Kysely<DB>,
  a: {
    id: string;
    sub: string;
    month: string;
    day: string;
    amount: number;
    reason?: string;
    approver?: string;
  },
): Promise<void> {
  await db
    .insertInto('adjustments')
    .values({
      adjustment_id: a.id,
      subscriber_id: a.sub,
      bill_month: `${a.month}-01`,
      adjusted_at: `${a.day} 09:00:00+08`,
      amount: a.amount,
      reason: a.reason ?? null,
      approver_id: a.approver ?? null,
      batch_id: null,
    })
    .execute();
}

export async function addContract(
  db: Kysely<DB>,
  c: { id: string; sub: string; start: string; end: string; batch?: number | null },
): Promise<void> {
  await db
    .insertInto('contracts')
    .values({
      contract_id: c.id,
      subscriber_id: c.sub,
      package_code: 'PY',
      start_date: c.start,
      end_date: c.end,
      batch_id: c.batch ?? null,
    })
    .execute();
}

export async function addUser(
  db: Kysely<DB>,
  username: string,
  county: string | null,
  role: 'county_manager' | 'city_staff' = 'county_manager',
) {
  await db
    .insertInto('users')
    .values({ username, password_hash: 'x', role, auditor_level: null, county_code: county })
    .execute();
}

export async function addBatch(db: Kysely<DB>, dataset: string): Promise<number> {
  const r = await db
    .insertInto('import_batches')
    .values({
      dataset,
      file_name: `${dataset}.csv`,
      file_hash: `h${Math.random()}`,
      actor: 'test',
      status: 'imported',
      finished_at: null,
      duration_ms: null,
      undone_at: null,
      undone_by: null,
    })
    .returning('batch_id')
    .executeTakeFirstOrThrow();
  return Number(r.batch_id);
}
