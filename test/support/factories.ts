import type { Kysely } from 'kysely';
import type { DB, MoveType, OrderType, Channel } from '../../src/db/schema.js';

/**
 * Insert helpers for metric and workflow fixtures: rows go straight into the tables (batch_id null)
 * with defaults, so a test states only what matters to it. Timestamps may be given as a local date
 * ('2026-03-01' → noon Shanghai time) or as a full timestamp with zone.
 */
const ts = (v: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v} 12:00:00+08` : v);
const month = (m: string): string => (m.length === 7 ? `${m}-01` : m);

export function factories(db: Kysely<DB>) {
  let seq = 0;
  const next = (p: string) => `${p}${String(++seq).padStart(5, '0')}`;
  return {
    async county(code: string, opts: { name?: string; households?: number } = {}) {
      await db
        .insertInto('counties')
        .values({
          county_code: code,
          county_name: opts.name ?? `县区${code}`,
          households: opts.households ?? null,
          population: null,
          batch_id: null,
        })
        .execute();
    },
    /** A product and its default package `P_<code>`. */
    async product(
      code: string,
      opts: { needsTerminal?: boolean; needsDeposit?: boolean; name?: string } = {},
    ) {
      await db
        .insertInto('products')
        .values({
          product_code: code,
          product_name: opts.name ?? `产品${code}`,
          needs_terminal: opts.needsTerminal ?? false,
          needs_deposit: opts.needsDeposit ?? false,
          batch_id: null,
        })
        .execute();
      await db
        .insertInto('packages')
        .values({
          package_code: `P_${code}`,
          package_name: `套餐${code}`,
          product_code: code,
          monthly_fee: 0,
          billing: 'monthly',
          term_months: null,
          batch_id: null,
        })
        .execute();
    },
    async outlet(code: string, county: string) {
      await db
        .insertInto('outlets')
        .values({ outlet_code: code, outlet_name: `网点${code}`, county_code: county, batch_id: null })
        .execute();
    },
    async warehouse(code: string, county: string | null) {
      await db
        .insertInto('warehouses')
        .values({ warehouse_code: code, warehouse_name: `仓库${code}`, county_code: county, batch_id: null })
        .execute();
    },
    async item(code: string, opts: { product?: string | null; serialized?: boolean } = {}) {
      await db
        .insertInto('items')
        .values({
          item_code: code,
          item_name: `物料${code}`,
          unit: null,
          serialized: opts.serialized ?? true,
          product_code: opts.product ?? null,
          batch_id: null,
        })
        .execute();
    },
    async subscriber(
      id: string,
      o: {
        county: string;
        product: string;
        install: string;
        disconnect?: string | null;
        name?: string;
        phone?: string;
        idNumber?: string;
        outlet?: string;
      },
    ) {
      await db
        .insertInto('subscribers')
        .values({
          subscriber_id: id,
          account_id: `A${id}`,
          customer_name: o.name ?? '张三明',
          id_number: o.idNumber ?? '110101199001011234',
          phone: o.phone ?? '13812345678',
          county_code: o.county,
          outlet_code: o.outlet ?? null,
          product_code: o.product,
          package_code: `P_${o.product}`,
          install_date: o.install,
          status: o.disconnect ? 'disconnected' : 'normal',
          disconnect_date: o.disconnect ?? null,
          terminal_sn: null,
          batch_id: null,
        })
        .execute();
    },
    async order(subscriber: string, type: OrderType, at: string, id?: string) {
      await db
        .insertInto('orders')
        .values({
          order_id: id ?? next('O'),
          subscriber_id: subscriber,
          order_type: type,
          order_date: ts(at),
          county_code: null,
          outlet_code: null,
          operator_id: null,
          reason: null,
          batch_id: null,
        })
        .execute();
    },
    async contract(subscriber: string, start: string, end: string, id?: string) {
      const pkg = await db
        .selectFrom('subscribers')
        .select('package_code')
        .where('subscriber_id', '=', subscriber)
        .executeTakeFirstOrThrow();
      await db
        .insertInto('contracts')
        .values({
          contract_id: id ?? next('K'),
          subscriber_id: subscriber,
          package_code: pkg.package_code,
          start_date: start,
          end_date: end,
          batch_id: null,
        })
        .execute();
    },
    async bill(subscriber: string, billMonth: string, amount: number) {
      await db
        .insertInto('bills')
        .values({ subscriber_id: subscriber, bill_month: month(billMonth), amount, batch_id: null })
        .execute();
    },
    /** billMonth null = a prepayment. */
    async payment(
      subscriber: string,
      billMonth: string | null,
      at: string,
      amount: number,
      o: { channel?: Channel; outlet?: string | null; id?: string } = {},
    ) {
      await db
        .insertInto('payments')
        .values({
          payment_id: o.id ?? next('P'),
          subscriber_id: subscriber,
          bill_month: billMonth === null ? null : month(billMonth),
          paid_at: ts(at),
          amount,
          channel: o.channel ?? 'online',
          outlet_code: o.outlet ?? null,
          operator_id: null,
          batch_id: null,
        })
        .execute();
    },
    async refund(
      subscriber: string,
      at: string,
      amount: number,
      o: { channel?: Channel; outlet?: string | null } = {},
    ) {
      await db
        .insertInto('refunds')
        .values({
          refund_id: next('R'),
          subscriber_id: subscriber,
          refunded_at: ts(at),
          amount,
          channel: o.channel ?? 'cash',
          reason: null,
          approver_id: null,
          outlet_code: o.outlet ?? null,
          operator_id: null,
          batch_id: null,
        })
        .execute();
    },
    async adjustment(subscriber: string, billMonth: string, at: string, amount: number) {
      await db
        .insertInto('adjustments')
        .values({
          adjustment_id: next('J'),
          subscriber_id: subscriber,
          bill_month: month(billMonth),
          adjusted_at: ts(at),
          amount,
          reason: null,
          approver_id: null,
          batch_id: null,
        })
        .execute();
    },
    async cashDeposit(outlet: string, businessDate: string, amount: number) {
      await db
        .insertInto('cash_deposits')
        .values({
          outlet_code: outlet,
          business_date: businessDate,
          slip_no: next('S'),
          amount,
          batch_id: null,
        })
        .execute();
    },
    async deposit(subscriber: string, kind: 'collect' | 'refund', at: string, amount = 10000) {
      await db
        .insertInto('deposits')
        .values({
          deposit_id: next('D'),
          subscriber_id: subscriber,
          occurred_at: ts(at),
          kind,
          amount,
          terminal_sn: null,
          batch_id: null,
        })
        .execute();
    },
    async move(m: {
      id?: string;
      at: string;
      warehouse: string;
      item: string;
      type: MoveType;
      quantity?: number;
      sn?: string | null;
      subscriber?: string | null;
    }) {
      await db
        .insertInto('stock_moves')
        .values({
          move_id: m.id ?? next('M'),
          moved_at: ts(m.at),
          warehouse_code: m.warehouse,
          item_code: m.item,
          move_type: m.type,
          quantity: m.quantity ?? 1,
          terminal_sn: m.sn ?? null,
          subscriber_id: m.subscriber ?? null,
          order_id: null,
          batch_id: null,
        })
        .execute();
    },
  };
}

export type Factories = ReturnType<typeof factories>;
