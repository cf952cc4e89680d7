import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestLogin } from '../../../test/support/app.js';
import { registerSubscriberSection } from './subscribers.service.js';

let t: TestApp;
let c01: TestLogin;
let city: TestLogin;
let leader: TestLogin;

/** A small hand-made history: S1 and S3 in C01 (same account), S2 in C02. */
async function seed(t: TestApp) {
  const db = t.database.db;
  await db
    .insertInto('products')
    .values({ product_code: 'P1', product_name: '宽带', needs_terminal: true, needs_deposit: true })
    .execute();
  await db
    .insertInto('packages')
    .values({
      package_code: 'K1',
      package_name: '宽带100M',
      product_code: 'P1',
      monthly_fee: 5000,
      billing: 'monthly',
      term_months: 12,
    })
    .execute();
  const sub = {
    outlet_code: null,
    product_code: 'P1',
    package_code: 'K1',
    status: 'normal' as const,
    disconnect_date: null,
  };
  await db
    .insertInto('subscribers')
    .values([
      {
        ...sub,
        subscriber_id: 'S1',
        account_id: 'A1',
        customer_name: '张三明',
        id_number: '110101199001011234',
        phone: '13812345678',
        county_code: 'C01',
        install_date: '2025-12-01',
        terminal_sn: 'SN1',
      },
      {
        ...sub,
        subscriber_id: 'S2',
        account_id: 'A2',
        customer_name: '张三',
        id_number: null,
        phone: '13900000000',
        county_code: 'C02',
        install_date: '2025-12-01',
        terminal_sn: null,
      },
      {
        ...sub,
        subscriber_id: 'S3',
        account_id: 'A1',
        customer_name: '欧阳娜娜',
        id_number: null,
        phone: null,
        county_code: 'C01',
        install_date: '2026-01-01',
        terminal_sn: null,
      },
    ])
    .execute();
  await db
    .insertInto('bills')
    .values([
      { subscriber_id: 'S1', bill_month: '2026-01-01', amount: 5000 },
      { subscriber_id: 'S1', bill_month: '2026-02-01', amount: 5000 },
      { subscriber_id: 'S1', bill_month: '2026-03-01', amount: 5000 },
    ])
    .execute();
  await db
    .insertInto('adjustments')
    .values([
      {
        adjustment_id: 'J1',
        subscriber_id: 'S1',
        bill_month: '2026-02-01',
        adjusted_at: '2026-02-10 09:00:00+08',
        amount: -1000,
        reason: '减免',
        approver_id: 'x',
      },
      {
        adjustment_id: 'J2',
        subscriber_id: 'S1',
        bill_month: '2026-03-01',
        adjusted_at: '2026-06-10 09:00:00+08',
        amount: -2000,
        reason: '减免',
        approver_id: 'x',
      },
    ])
    .execute();
  await db
    .insertInto('payments')
    .values([
      {
        payment_id: 'Y1',
        subscriber_id: 'S1',
        bill_month: '2026-01-01',
        paid_at: '2026-02-05 10:00:00+08',
        amount: 5000,
        channel: 'cash',
      },
      {
        payment_id: 'Y2',
        subscriber_id: 'S1',
        bill_month: '2026-02-01',
        paid_at: '2026-03-01 10:00:00+08',
        amount: 1000,
        channel: 'online',
      },
      {
        payment_id: 'Y3',
        subscriber_id: 'S1',
        bill_month: '2026-03-01',
        paid_at: '2026-06-01 10:00:00+08',
        amount: 3000,
        channel: 'bank',
      },
    ])
    .execute();
  await db
    .insertInto('orders')
    .values([
      {
        order_id: 'O1',
        subscriber_id: 'S1',
        order_type: 'new_install',
        order_date: '2025-12-01 10:00:00+08',
      },
      {
        order_id: 'O2',
        subscriber_id: 'S1',
        order_type: 'single_stop',
        order_date: '2026-04-01 10:00:00+08',
        reason: '欠费',
      },
      { order_id: 'O3', subscriber_id: 'S1', order_type: 'resume', order_date: '2026-04-10 10:00:00+08' },
    ])
    .execute();
  await db
    .insertInto('contracts')
    .values({
      contract_id: 'K-1',
      subscriber_id: 'S1',
      package_code: 'K1',
      start_date: '2026-01-01',
      end_date: '2026-12-31',
    })
    .execute();
  await db
    .insertInto('deposits')
    .values([
      {
        deposit_id: 'D1',
        subscriber_id: 'S1',
        occurred_at: '2025-12-01 10:00:00+08',
        kind: 'collect',
        amount: 20000,
        terminal_sn: 'SN1',
      },
      {
        deposit_id: 'D2',
        subscriber_id: 'S1',
        occurred_at: '2026-01-01 10:00:00+08',
        kind: 'refund',
        amount: 5000,
        terminal_sn: 'SN1',
      },
    ])
    .execute();
  await db
    .insertInto('warehouses')
    .values({ warehouse_code: 'W1', warehouse_name: '一号库', county_code: 'C01' })
    .execute();
  await db
    .insertInto('items')
    .values({ item_code: 'I1', item_name: '光猫', unit: '台', serialized: true, product_code: 'P1' })
    .execute();
  await db
    .insertInto('stock_moves')
    .values([
      {
        move_id: 'M1',
        moved_at: '2025-11-20 10:00:00+08',
        warehouse_code: 'W1',
        item_code: 'I1',
        move_type: 'purchase_in',
        quantity: 1,
        terminal_sn: 'SN1',
        subscriber_id: null,
      },
      {
        move_id: 'M2',
        moved_at: '2025-12-01 10:00:00+08',
        warehouse_code: 'W1',
        item_code: 'I1',
        move_type: 'install_out',
        quantity: 1,
        terminal_sn: 'SN1',
        subscriber_id: 'S1',
      },
    ])
    .execute();
}

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  await seed(t);
  await t.createUser({ username: 'c01', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'city', role: 'city_staff' });
  await t.createUser({ username: 'boss', role: 'leader' });
  [c01, city, leader] = [await t.login('c01'), await t.login('city'), await t.login('boss')];
});
afterAll(async () => t.dispose());

const get = (who: TestLogin, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers() });
const ids = (body: { rows: { subscriberId: string }[] }) => body.rows.map((r) => r.subscriberId);

describe('subscriber search', () => {
  it('finds by name prefix within the county scope, masked', async () => {
    const res = await get(c01, '/api/subscribers?q=' + encodeURIComponent('张'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(res.json().rows[0]).toMatchObject({
      subscriberId: 'S1',
      customerName: '张*明',
      idNumber: '110***********1234',
      phone: '138****5678',
      county: 'C01',
    });
    expect(ids((await get(city, '/api/subscribers?q=' + encodeURIComponent('张'))).json())).toEqual([
      'S1',
      'S2',
    ]);
  });

  it('finds by exact account, phone and id', async () => {
    expect(ids((await get(c01, '/api/subscribers?q=A1')).json())).toEqual(['S1', 'S3']);
    expect(ids((await get(c01, '/api/subscribers?q=13900000000')).json())).toEqual([]);
    expect(ids((await get(city, '/api/subscribers?q=13900000000')).json())).toEqual(['S2']);
    expect(ids((await get(city, '/api/subscribers?q=S3')).json())).toEqual(['S3']);
    // a LIKE wildcard is matched literally
    expect(ids((await get(city, '/api/subscribers?q=%25')).json())).toEqual([]);
  });

  it('refuses another county for a county user, allows it for the city', async () => {
    expect((await get(c01, '/api/subscribers?county=C02')).statusCode).toBe(403);
    expect(ids((await get(city, '/api/subscribers?county=C02')).json())).toEqual(['S2']);
  });
});

describe('subscriber page', () => {
  it('shows master data, bills, arrears at the cutoff, orders, stops, contracts, moves and deposits', async () => {
    const res = await get(c01, '/api/subscribers/S1?at=2026-05-31');
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.subscriber).toMatchObject({
      subscriberId: 'S1',
      customerName: '张*明',
      packageName: '宽带100M',
      monthlyFee: 5000,
    });
    expect(b.bills).toEqual([
      { billMonth: '2026-03', amount: 5000 },
      { billMonth: '2026-02', amount: 5000 },
      { billMonth: '2026-01', amount: 5000 },
    ]);
    // Mar: the −2000 adjustment and the 3000 payment come after the cutoff; Feb: 5000 − 1000 due, 1000 paid
    expect(b.arrears).toEqual({
      cutoff: '2026-05-31',
      totalOwed: 8000,
      longTermOwed: 0,
      months: [
        {
          billMonth: '2026-03',
          due: 5000,
          paid: 0,
          collected: 0,
          owed: 5000,
          monthsOverdue: 2,
          longTerm: false,
        },
        {
          billMonth: '2026-02',
          due: 4000,
          paid: 1000,
          collected: 1000,
          owed: 3000,
          monthsOverdue: 3,
          longTerm: false,
        },
        {
          billMonth: '2026-01',
          due: 5000,
          paid: 5000,
          collected: 5000,
          owed: 0,
          monthsOverdue: 4,
          longTerm: false,
        },
      ],
    });
    expect(b.payments.map((p: { payment_id: string }) => p.payment_id)).toEqual(['Y3', 'Y2', 'Y1']);
    expect(b.orders.map((o: { order_id: string }) => o.order_id)).toEqual(['O3', 'O2', 'O1']);
    expect(b.stopHistory.map((o: { order_id: string }) => o.order_id)).toEqual(['O3', 'O2']);
    expect(b.contracts).toEqual([
      { contract_id: 'K-1', package_code: 'K1', start_date: '2026-01-01', end_date: '2026-12-31' },
    ]);
    expect(b.stockMoves.map((m: { move_id: string }) => m.move_id)).toEqual(['M2', 'M1']);
    expect(b.deposits.balance).toBe(15000);
  });

  it('after EOM(Feb+3) the February arrears are long-term; later adjustments and payments count', async () => {
    const b = (await get(c01, '/api/subscribers/S1?at=2026-06-15')).json();
    expect(b.arrears).toMatchObject({ totalOwed: 3000, longTermOwed: 3000 });
    expect(b.arrears.months[0]).toMatchObject({ billMonth: '2026-03', due: 3000, paid: 3000, owed: 0 });
  });

  it('another county’s subscriber is 403 for a county user; an unknown one 404', async () => {
    expect((await get(c01, '/api/subscribers/S2')).statusCode).toBe(403);
    expect((await get(city, '/api/subscribers/S2')).statusCode).toBe(200);
    expect((await get(city, '/api/subscribers/NOPE')).statusCode).toBe(404);
  });

  it('includes sections registered by other modules', async () => {
    registerSubscriberSection({
      key: 'testSection',
      load: async (_db, _actor, s) => [{ id: 1, subscriber: s.subscriberId }],
    });
    const b = (await get(c01, '/api/subscribers/S3')).json();
    expect(b.sections.testSection).toEqual([{ id: 1, subscriber: 'S3' }]);
    // the follow-up module's own section is there too (no items for this subscriber)
    expect(b.sections.followups).toEqual([]);
  });
});

describe('reveal', () => {
  const reveal = (who: TestLogin, id: string) =>
    t.app.inject({ method: 'POST', url: `/api/subscribers/${id}/reveal`, headers: who.headers() });

  it('returns the unmasked data and records the reveal', async () => {
    const res = await reveal(c01, 'S1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      subscriberId: 'S1',
      customerName: '张三明',
      idNumber: '110101199001011234',
      phone: '13812345678',
    });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'entity', 'entity_id', 'county_code'])
      .where('action', '=', 'reveal')
      .execute();
    expect(audit).toEqual([{ actor: 'c01', entity: 'subscriber', entity_id: 'S1', county_code: 'C01' }]);
  });

  it('is refused to the read-only leader and across counties, with nothing recorded', async () => {
    expect((await reveal(leader, 'S1')).statusCode).toBe(403);
    expect((await reveal(c01, 'S2')).statusCode).toBe(403);
    const n = await t.database.db
      .selectFrom('audit_log')
      .select('audit_id')
      .where('action', '=', 'reveal')
      .execute();
    expect(n).toHaveLength(1);
  });
});
