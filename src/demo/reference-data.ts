/** Writes the reference datasets and the subscriber master snapshot. */
import { fenToYuanString } from '../core/money.js';
import type { Calendar } from './calendar.js';
import { COUNTIES, ITEMS, OUTLETS, PACKAGES, PRODUCTS, WAREHOUSES } from './city.js';
import { csvField, type CsvSink } from './csv-sink.js';
import { chineseName, idNumber, mobileNumber } from './people.js';
import { deriveRng } from './random.js';
import { snText } from './stock-keeper.js';
import { accountId, NONE, STATUS_NAMES, subscriberId, type SubscriberTable } from './subscriber-table.js';
import type { Dataset } from './world.js';

export const HEADERS: Record<Dataset, readonly string[]> = {
  counties: ['county_code', 'county_name', 'households', 'population'],
  outlets: ['outlet_code', 'outlet_name', 'county_code'],
  products: ['product_code', 'product_name', 'needs_terminal', 'needs_deposit'],
  packages: ['package_code', 'package_name', 'product_code', 'monthly_fee', 'billing', 'term_months'],
  warehouses: ['warehouse_code', 'warehouse_name', 'county_code'],
  items: ['item_code', 'item_name', 'unit', 'serialized', 'product_code'],
  subscribers: [
    'subscriber_id',
    'account_id',
    'customer_name',
    'id_number',
    'phone',
    'county_code',
    'outlet_code',
    'product_code',
    'package_code',
    'install_date',
    'status',
    'disconnect_date',
    'terminal_sn',
  ],
  orders: [
    'order_id',
    'subscriber_id',
    'order_type',
    'order_date',
    'county_code',
    'outlet_code',
    'operator_id',
    'reason',
  ],
  contracts: ['contract_id', 'subscriber_id', 'package_code', 'start_date', 'end_date'],
  bills: ['subscriber_id', 'bill_month', 'amount'],
  payments: [
    'payment_id',
    'subscriber_id',
    'bill_month',
    'paid_at',
    'amount',
    'channel',
    'outlet_code',
    'operator_id',
  ],
  refunds: [
    'refund_id',
    'subscriber_id',
    'refunded_at',
    'amount',
    'channel',
    'reason',
    'approver_id',
    'outlet_code',
    'operator_id',
  ],
  adjustments: [
    'adjustment_id',
    'subscriber_id',
    'bill_month',
    'adjusted_at',
    'amount',
    'reason',
    'approver_id',
  ],
  cash_deposits: ['outlet_code', 'business_date', 'slip_no', 'amount'],
  deposits: ['deposit_id', 'subscriber_id', 'occurred_at', 'kind', 'amount', 'terminal_sn'],
  stock_moves: [
    'move_id',
    'moved_at',
    'warehouse_code',
    'item_code',
    'move_type',
    'quantity',
    'terminal_sn',
    'subscriber_id',
    'order_id',
  ],
};

const bool = (b: boolean): string => (b ? 'true' : 'false');

export function writeReference(sinks: Record<Dataset, CsvSink>): void {
  for (const c of COUNTIES)
    sinks.counties.line(`${c.code},${c.name},${Math.round(c.households)},${Math.round(c.population)}`);
  for (const o of OUTLETS) sinks.outlets.line(`${o.code},${o.name},${COUNTIES[o.county]?.code ?? ''}`);
  for (const p of PRODUCTS)
    sinks.products.line(`${p.code},${p.name},${bool(p.needsTerminal)},${bool(p.needsDeposit)}`);
  for (const p of PACKAGES) {
    const fee = fenToYuanString(p.feeFen);
    sinks.packages.line(
      `${p.code},${p.name},${PRODUCTS[p.product]?.code ?? ''},${fee},${p.billing},${p.termMonths ?? ''}`,
    );
  }
  for (const wh of WAREHOUSES) sinks.warehouses.line(`${wh.code},${wh.name},${wh.county ?? ''}`);
  for (const it of ITEMS)
    sinks.items.line(`${it.code},${csvField(it.name)},${it.unit},${bool(it.serialized)},${it.product ?? ''}`);
}

/** The master as of the as-of date, from the final state; personal data from a per-subscriber stream. */
export function writeSubscribers(sink: CsvSink, subs: SubscriberTable, cal: Calendar, seed: number): void {
  for (let i = 0; i < subs.size; i++) {
    const r = deriveRng(seed, 1, i);
    const c = subs.county[i] ?? 0;
    const name = chineseName(r);
    const id = r.chance(0.03) ? '' : idNumber(r, c);
    const phone = r.chance(0.05) ? '' : mobileNumber(r);
    const outlet = r.chance(0.02) ? '' : (OUTLETS[subs.outlet[i] ?? 0]?.code ?? '');
    const product = PRODUCTS[subs.product[i] ?? 0];
    const disc = subs.disc[i] ?? NONE;
    const sn = subs.sn[i] ?? NONE;
    sink.line(
      [
        subscriberId(i),
        accountId(i),
        name,
        id,
        phone,
        COUNTIES[c]?.code ?? '',
        outlet,
        product?.code ?? '',
        PACKAGES[subs.pkg[i] ?? 0]?.code ?? '',
        cal.date(subs.install[i] ?? 0),
        STATUS_NAMES[subs.status[i] ?? 0] ?? 'normal',
        disc === NONE ? '' : cal.date(disc),
        sn === NONE || !product ? '' : snText(product.item, sn),
      ].join(','),
    );
  }
}
