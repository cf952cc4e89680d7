/**
 * The generator's running state and the emitters shared by the lifecycle and money flows: one row
 * per call, ids from counters (so the output depends only on the seed and the options).
 */
import { fenToYuanString } from '../core/money.js';
import { SECONDS_PER_DAY, type Calendar } from './calendar.js';
import { COUNTIES, OUTLETS, OUTLETS_OF } from './city.js';
import type { CsvSink } from './csv-sink.js';
import type { Rng } from './random.js';
import type { StockKeeper } from './stock-keeper.js';
import { IMPORT_ORDER, type DatasetKey } from '../datasets/index.js';
import { subscriberId, type SubscriberTable } from './subscriber-table.js';

/** The demo writes every dataset of the contract, in its import order. */
export const DATASETS = IMPORT_ORDER;
export type Dataset = DatasetKey;

export type World = {
  rng: Rng;
  cal: Calendar;
  subs: SubscriberTable;
  sinks: Record<Dataset, CsvSink>;
  stock: StockKeeper;
  /** Months of the window: 0 … fullMonths−1 are billed, fullMonths is the month of the as-of date. */
  fullMonths: number;
  monthStart: number[];
  windowStart: number;
  /** Last second of the as-of date: nothing happens after it. */
  endT: number;
  /** Net cash per outlet and day of the window (fen), for the cash deposits. */
  cash: Float64Array;
  counters: {
    order: number;
    payment: number;
    refund: number;
    adjustment: number;
    deposit: number;
    contract: number;
  };
};

export const yuan = fenToYuanString;

/** A time of day within opening hours (08:30–19:59:59). */
export const businessSecond = (rng: Rng): number => rng.int(8 * 3600 + 1800, 20 * 3600 - 1);

export const monthStartOf = (w: World, k: number): number => {
  let s = w.monthStart[k];
  if (s === undefined) {
    s = w.cal.monthStart(k);
    w.monthStart[k] = s;
  }
  return s;
};

export const operatorId = (outlet: number, rng: Rng): string => {
  const o = OUTLETS[outlet];
  return o ? `G${o.code.slice(1)}${String(rng.int(1, o.operators)).padStart(2, '0')}` : '';
};

/** Where an order or cash payment is taken: mostly the subscriber's own outlet. */
export function acceptingOutlet(w: World, i: number, otherCountyShare: number): number {
  const { rng, subs } = w;
  if (rng.chance(otherCountyShare)) return rng.pick(OUTLETS_OF[rng.int(0, COUNTIES.length - 1)] ?? [0]);
  if (rng.chance(0.85)) return subs.outlet[i] ?? 0;
  return rng.pick(OUTLETS_OF[subs.county[i] ?? 0] ?? [0]);
}

export function emitOrder(w: World, i: number, type: string, t: number, reason: string): string {
  const { rng, sinks, cal } = w;
  w.counters.order++;
  const id = `GD${String(w.counters.order).padStart(10, '0')}`;
  const outlet = acceptingOutlet(w, i, 0.01);
  const o = OUTLETS[outlet];
  const county = COUNTIES[o?.county ?? 0]?.code ?? '';
  sinks.orders.line(
    `${id},${subscriberId(i)},${type},${cal.stamp(t)},${county},${o?.code ?? ''},${operatorId(outlet, rng)},${reason}`,
  );
  return id;
}

const CHANNELS = ['cash', 'bank', 'online', 'agent'] as const;
const CHANNEL_WEIGHTS = [33, 22, 35, 10];

export function addCash(w: World, outlet: number, day: number, fen: number): void {
  const span = w.cal.asOfDay - w.windowStart + 1;
  const d = day - w.windowStart;
  if (d < 0 || d >= span) return;
  const idx = outlet * span + d;
  w.cash[idx] = (w.cash[idx] ?? 0) + fen;
}

export type PaymentPlan = { channel: number; outlet: number; operator: string; second: number };

/** Choose how one payment (or one lump of prepaid payments) is made on a given day. */
export function planPayment(w: World, i: number, day: number): PaymentPlan {
  const { rng } = w;
  let channel = rng.weighted(CHANNEL_WEIGHTS);
  // cash before the window would need banking records we do not have
  if (channel === 0 && day < w.windowStart) channel = 1;
  if (channel === 0) {
    const outlet = acceptingOutlet(w, i, 0);
    return { channel, outlet, operator: operatorId(outlet, rng), second: businessSecond(rng) };
  }
  const second = channel === 2 ? rng.int(0, SECONDS_PER_DAY - 1) : rng.int(9 * 3600, 17 * 3600);
  return { channel, outlet: -1, operator: '', second };
}

/** One payment row; nothing when it would fall after the as-of date. */
export function emitPayment(
  w: World,
  i: number,
  billMonth: string,
  day: number,
  plan: PaymentPlan,
  fen: number,
): void {
  const t = day * SECONDS_PER_DAY + plan.second;
  if (t > w.endT || fen <= 0) return;
  w.counters.payment++;
  const outletCode = plan.outlet >= 0 ? (OUTLETS[plan.outlet]?.code ?? '') : '';
  w.sinks.payments.line(
    `JF${String(w.counters.payment).padStart(11, '0')},${subscriberId(i)},${billMonth},${w.cal.stamp(t)},${yuan(fen)},${CHANNELS[plan.channel] ?? 'bank'},${outletCode},${plan.operator}`,
  );
  if (plan.channel === 0) addCash(w, plan.outlet, day, fen);
}
