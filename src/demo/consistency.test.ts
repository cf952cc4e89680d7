import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIsoDate, isIsoMonth } from '../core/dates.js';
import { generateDemoCity } from './generate-city.js';
import { get, groupBy, orderedMoves, readCity, type City, type Row } from './city-reader.test-support.js';

let dir = '';
let city: City;
const AS_OF = '2026-11-27';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-consistency-'));
  await generateDemoCity({ subscribers: 2000, seed: 2026, outDir: dir });
  city = readCity(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const codes = (rows: Row[], k: string): Set<string> => new Set(rows.map((r) => get(r, k)));
const unresolved = (rows: Row[], k: string, known: Set<string>, optional = false): string[] =>
  rows.map((r) => get(r, k)).filter((v) => !(known.has(v) || (optional && v === '')));

const KEYS: [keyof City, string[]][] = [
  ['counties', ['county_code']],
  ['outlets', ['outlet_code']],
  ['products', ['product_code']],
  ['packages', ['package_code']],
  ['warehouses', ['warehouse_code']],
  ['items', ['item_code']],
  ['subscribers', ['subscriber_id']],
  ['orders', ['order_id']],
  ['contracts', ['contract_id']],
  ['bills', ['subscriber_id', 'bill_month']],
  ['payments', ['payment_id']],
  ['refunds', ['refund_id']],
  ['adjustments', ['adjustment_id']],
  ['cash_deposits', ['outlet_code', 'business_date', 'slip_no']],
  ['deposits', ['deposit_id']],
  ['stock_moves', ['move_id']],
];

describe('demo city consistency', () => {
  it('has the ten counties, up to six outlets each, a city warehouse and one per county', () => {
    expect(city.counties.map((c) => get(c, 'county_code'))).toEqual([
      'C01',
      'C02',
      'C03',
      'C04',
      'C05',
      'C06',
      'C07',
      'C08',
      'C09',
      'C10',
    ]);
    const perCounty = groupBy(city.outlets, (o) => get(o, 'county_code'));
    for (const list of perCounty.values()) expect(list.length).toBeGreaterThanOrEqual(2);
    expect(city.warehouses.filter((w) => get(w, 'county_code') === '')).toHaveLength(1);
    expect(city.warehouses).toHaveLength(11);
    const sizes = groupBy(city.subscribers, (s) => get(s, 'county_code'));
    const counts = [...sizes.values()].map((l) => l.length);
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(3);
  });

  it.each(KEYS)('%s keys are unique', (dataset, key) => {
    const seen = new Set(city[dataset].map((r) => key.map((k) => get(r, k)).join('|')));
    expect(seen.size).toBe(city[dataset].length);
  });

  it('resolves every code', () => {
    const counties = codes(city.counties, 'county_code');
    const outlets = codes(city.outlets, 'outlet_code');
    const products = codes(city.products, 'product_code');
    const packages = codes(city.packages, 'package_code');
    const warehouses = codes(city.warehouses, 'warehouse_code');
    const items = codes(city.items, 'item_code');
    const subs = codes(city.subscribers, 'subscriber_id');
    expect(unresolved(city.outlets, 'county_code', counties)).toEqual([]);
    expect(unresolved(city.packages, 'product_code', products)).toEqual([]);
    expect(unresolved(city.warehouses, 'county_code', counties, true)).toEqual([]);
    expect(unresolved(city.items, 'product_code', products, true)).toEqual([]);
    expect(unresolved(city.subscribers, 'county_code', counties)).toEqual([]);
    expect(unresolved(city.subscribers, 'outlet_code', outlets, true)).toEqual([]);
    expect(unresolved(city.subscribers, 'product_code', products)).toEqual([]);
    expect(unresolved(city.subscribers, 'package_code', packages)).toEqual([]);
    for (const d of [
      'orders',
      'contracts',
      'bills',
      'payments',
      'refunds',
      'adjustments',
      'deposits',
    ] as const) {
      expect(unresolved(city[d], 'subscriber_id', subs), d).toEqual([]);
    }
    expect(unresolved(city.stock_moves, 'subscriber_id', subs, true)).toEqual([]);
    expect(unresolved(city.orders, 'county_code', counties, true)).toEqual([]);
    for (const d of ['orders', 'payments', 'refunds', 'cash_deposits'] as const) {
      expect(unresolved(city[d], 'outlet_code', outlets, true), d).toEqual([]);
    }
    expect(unresolved(city.contracts, 'package_code', packages)).toEqual([]);
    expect(unresolved(city.stock_moves, 'warehouse_code', warehouses)).toEqual([]);
    expect(unresolved(city.stock_moves, 'item_code', items)).toEqual([]);
  });

  it('gives each subscriber a package of its own product and a contract package of that product', () => {
    const productOf = new Map(city.packages.map((p) => [get(p, 'package_code'), get(p, 'product_code')]));
    const subs = new Map(city.subscribers.map((s) => [get(s, 'subscriber_id'), s]));
    for (const s of city.subscribers)
      expect(productOf.get(get(s, 'package_code'))).toBe(get(s, 'product_code'));
    for (const c of city.contracts) {
      expect(productOf.get(get(c, 'package_code'))).toBe(
        get(subs.get(get(c, 'subscriber_id'))!, 'product_code'),
      );
      expect(get(c, 'end_date') >= get(c, 'start_date')).toBe(true);
    }
  });

  it('has a disconnect_date exactly for disconnected subscribers, matching their disconnect order', () => {
    const disconnects = new Map(
      city.orders
        .filter((o) => get(o, 'order_type') === 'disconnect')
        .map((o) => [get(o, 'subscriber_id'), o]),
    );
    for (const s of city.subscribers) {
      const off = get(s, 'status') === 'disconnected';
      expect(get(s, 'disconnect_date') !== '').toBe(off);
      if (!off) continue;
      expect(get(s, 'disconnect_date') >= get(s, 'install_date')).toBe(true);
      expect(get(disconnects.get(get(s, 'subscriber_id'))!, 'order_date').slice(0, 10)).toBe(
        get(s, 'disconnect_date'),
      );
    }
    expect(disconnects.size).toBe(city.subscribers.filter((s) => get(s, 'status') === 'disconnected').length);
  });

  it('has a new_install order on the install date of every subscriber installed in the window', () => {
    const installs = new Map(
      city.orders
        .filter((o) => get(o, 'order_type') === 'new_install')
        .map((o) => [get(o, 'subscriber_id'), o]),
    );
    const inWindow = city.subscribers.filter((s) => get(s, 'install_date') >= '2024-11-01');
    expect(inWindow.length).toBeGreaterThan(500);
    expect(installs.size).toBe(inWindow.length);
    for (const s of inWindow) {
      expect(get(installs.get(get(s, 'subscriber_id'))!, 'order_date').slice(0, 10)).toBe(
        get(s, 'install_date'),
      );
    }
  });

  it('keeps the status consistent with the latest stop or resume order, and no order after a disconnect', () => {
    const bySub = groupBy(city.orders, (o) => get(o, 'subscriber_id'));
    const key = (o: Row): string => `${get(o, 'order_date')}|${get(o, 'order_id')}`;
    for (const s of city.subscribers) {
      const orders = (bySub.get(get(s, 'subscriber_id')) ?? []).sort((a, b) => (key(a) < key(b) ? -1 : 1));
      const last = orders.at(-1);
      if (get(s, 'status') === 'disconnected') {
        expect(last && get(last, 'order_type')).toBe('disconnect');
        continue;
      }
      const stops = orders.filter((o) =>
        ['single_stop', 'dual_stop', 'resume'].includes(get(o, 'order_type')),
      );
      const latest = stops.at(-1);
      const expected =
        !latest || get(latest, 'order_type') === 'resume' ? 'normal' : get(latest, 'order_type');
      expect(get(s, 'status')).toBe(expected);
    }
  });

  it('never lets stock go below zero and moves serialized terminals one by one with their serial', () => {
    const serialized = new Map(city.items.map((i) => [get(i, 'item_code'), get(i, 'serialized') === 'true']));
    const sign: Record<string, number> = {
      purchase_in: 1,
      recover_in: 1,
      transfer_in: 1,
      install_out: -1,
      swap_out: -1,
      transfer_out: -1,
      scrap: -1,
    };
    const stock = new Map<string, number>();
    for (const m of orderedMoves(city)) {
      const type = get(m, 'move_type');
      const qty = Number(get(m, 'quantity'));
      expect(sign[type]).toBeDefined();
      expect(qty).toBeGreaterThan(0);
      if (serialized.get(get(m, 'item_code'))) {
        expect(qty).toBe(1);
        expect(get(m, 'terminal_sn')).not.toBe('');
      }
      if (['install_out', 'recover_in', 'swap_out'].includes(type))
        expect(get(m, 'subscriber_id')).not.toBe('');
      const k = `${get(m, 'warehouse_code')}|${get(m, 'item_code')}`;
      const after = (stock.get(k) ?? 0) + (sign[type] ?? 0) * qty;
      expect(after, `${get(m, 'move_id')} takes ${k} below zero`).toBeGreaterThanOrEqual(0);
      stock.set(k, after);
    }
    const installOuts = city.stock_moves.filter(
      (m) => get(m, 'move_type') === 'install_out' && get(m, 'terminal_sn'),
    );
    expect(installOuts.length).toBeGreaterThan(100);
    for (const m of installOuts) expect(get(m, 'order_id')).not.toBe('');
  });

  it('writes valid months, dates, timestamps and money with two decimals', () => {
    const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    const MONEY = /^-?\d+\.\d{2}$/;
    const check: [keyof City, string, 'month' | 'date' | 'ts' | 'money' | 'month?'][] = [
      ['subscribers', 'install_date', 'date'],
      ['orders', 'order_date', 'ts'],
      ['contracts', 'start_date', 'date'],
      ['contracts', 'end_date', 'date'],
      ['bills', 'bill_month', 'month'],
      ['bills', 'amount', 'money'],
      ['payments', 'bill_month', 'month?'],
      ['payments', 'paid_at', 'ts'],
      ['payments', 'amount', 'money'],
      ['refunds', 'refunded_at', 'ts'],
      ['refunds', 'amount', 'money'],
      ['adjustments', 'bill_month', 'month'],
      ['adjustments', 'adjusted_at', 'ts'],
      ['adjustments', 'amount', 'money'],
      ['cash_deposits', 'business_date', 'date'],
      ['cash_deposits', 'amount', 'money'],
      ['deposits', 'occurred_at', 'ts'],
      ['deposits', 'amount', 'money'],
      ['stock_moves', 'moved_at', 'ts'],
      ['packages', 'monthly_fee', 'money'],
    ];
    for (const [d, col, kind] of check) {
      const bad = city[d]
        .map((r) => get(r, col))
        .filter((v) => {
          if (kind === 'money') return !MONEY.test(v);
          if (kind === 'date') return !isIsoDate(v);
          if (kind === 'month') return !isIsoMonth(v);
          if (kind === 'month?') return v !== '' && !isIsoMonth(v);
          return !TS.test(v) || !isIsoDate(v.slice(0, 10)) || v.slice(0, 10) > AS_OF;
        });
      expect(bad.slice(0, 3), `${d}.${col}`).toEqual([]);
    }
    for (const d of ['payments', 'refunds', 'deposits'] as const) {
      expect(
        city[d].filter((r) => Number(get(r, 'amount')) <= 0),
        d,
      ).toEqual([]);
    }
    for (const s of city.subscribers) {
      const id = get(s, 'id_number');
      if (id) expect(id).toMatch(/^\d{17}[\dX]$/);
      const phone = get(s, 'phone');
      if (phone) expect(phone).toMatch(/^1\d{10}$/);
    }
  });
});
