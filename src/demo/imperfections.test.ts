import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCity } from './generate-city.js';
import {
  addDaysIso,
  fen,
  get,
  groupBy,
  orderedMoves,
  readCity,
  type City,
  type Row,
} from './city-reader.test-support.js';

// The metrics' definitions (metrics.md), computed naively over a small city, must each find something.
let dir = '';
let city: City;
const AS_OF = '2026-11-27';
const eom = (m: string): string => addDaysIso(`${addMonthIso(m, 1)}-01`, -1);
const addMonthIso = (m: string, k: number): string => {
  const idx = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + k;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-imperfect-'));
  await generateDemoCity({ subscribers: 2500, seed: 99, outDir: dir });
  city = readCity(dir);
  byId = new Map(city.subscribers.map((s) => [get(s, 'subscriber_id'), s]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let byId = new Map<string, Row>();
const subscriber = (id: string): Row => {
  const s = byId.get(id);
  if (!s) throw new Error(`unknown subscriber ${id}`);
  return s;
};
const activeOn = (id: string, d: string): boolean => {
  const s = subscriber(id);
  return get(s, 'install_date') <= d && (get(s, 'disconnect_date') === '' || get(s, 'disconnect_date') > d);
};

describe('demo city imperfections', () => {
  it('has long-term arrears (owed on bill months with EOM(m+3) before the as-of date)', () => {
    const paid = new Map<string, number>();
    for (const p of city.payments) {
      const k = `${get(p, 'subscriber_id')}|${get(p, 'bill_month')}`;
      paid.set(k, (paid.get(k) ?? 0) + fen(get(p, 'amount')));
    }
    const adj = new Map<string, number>();
    for (const a of city.adjustments) {
      const k = `${get(a, 'subscriber_id')}|${get(a, 'bill_month')}`;
      adj.set(k, (adj.get(k) ?? 0) + fen(get(a, 'amount')));
    }
    let owed = 0;
    let receivable = 0;
    const debtors = new Set<string>();
    for (const b of city.bills) {
      const m = get(b, 'bill_month');
      const k = `${get(b, 'subscriber_id')}|${m}`;
      const due = Math.max(0, fen(get(b, 'amount')) + (adj.get(k) ?? 0));
      receivable += due;
      if (eom(addMonthIso(m, 3)) >= AS_OF) continue;
      const o = Math.max(0, due - (paid.get(k) ?? 0));
      if (o > 0) debtors.add(get(b, 'subscriber_id'));
      owed += o;
    }
    expect(debtors.size).toBeGreaterThan(10);
    // arrears are an exception, not the rule
    expect(owed / receivable).toBeLessThan(0.08);
    expect(owed).toBeGreaterThan(0);
  });

  it('has single- and dual-stopped subscribers', () => {
    const status = groupBy(city.subscribers, (s) => get(s, 'status'));
    expect(status.get('single_stop')?.length ?? 0).toBeGreaterThan(0);
    expect(status.get('dual_stop')?.length ?? 0).toBeGreaterThan(0);
    expect(status.get('disconnected')?.length ?? 0).toBeGreaterThan(100);
  });

  it('has zero-fee users: active, installed earlier, no bill above zero in 2026-08…2026-10', () => {
    const months = ['2026-08', '2026-09', '2026-10'];
    const billed = new Set(
      city.bills
        .filter((b) => months.includes(get(b, 'bill_month')) && fen(get(b, 'amount')) > 0)
        .map((b) => get(b, 'subscriber_id')),
    );
    const zero = city.subscribers.filter(
      (s) =>
        get(s, 'install_date') < '2026-08-01' &&
        activeOn(get(s, 'subscriber_id'), '2026-10-31') &&
        !billed.has(get(s, 'subscriber_id')),
    );
    expect(zero.length).toBeGreaterThan(5);
    // some of them have no bill rows at all in those months, some have 0.00 rows
    const anyRow = new Set(
      city.bills.filter((b) => months.includes(get(b, 'bill_month'))).map((b) => get(b, 'subscriber_id')),
    );
    expect(zero.some((s) => anyRow.has(get(s, 'subscriber_id')))).toBe(true);
    expect(zero.some((s) => !anyRow.has(get(s, 'subscriber_id')))).toBe(true);
  });

  it('has renewed and lapsed prepaid contracts (renewal = next term within 30 days of the end)', () => {
    const bySub = groupBy(city.contracts, (c) => get(c, 'subscriber_id'));
    let renewed = 0;
    let lapsed = 0;
    for (const c of city.contracts) {
      const end = get(c, 'end_date');
      if (end > addDaysIso(AS_OF, -31) || !activeOn(get(c, 'subscriber_id'), end)) continue;
      const next = (bySub.get(get(c, 'subscriber_id')) ?? []).some(
        (d) => get(d, 'start_date') > get(c, 'start_date') && get(d, 'start_date') <= addDaysIso(end, 30),
      );
      if (next) renewed++;
      else lapsed++;
    }
    expect(renewed).toBeGreaterThan(lapsed);
    expect(lapsed).toBeGreaterThan(5);
  });

  it('has refunds without an approver and cash refunds at outlets', () => {
    expect(city.refunds.filter((r) => get(r, 'approver_id') === '').length).toBeGreaterThan(0);
    expect(
      city.refunds.filter((r) => get(r, 'channel') === 'cash' && get(r, 'outlet_code') !== '').length,
    ).toBeGreaterThan(0);
  });

  it('banks most cash days exactly, but leaves some unbanked and some short', () => {
    const expected = new Map<string, number>();
    for (const p of city.payments) {
      if (get(p, 'channel') !== 'cash') continue;
      expect(get(p, 'outlet_code')).not.toBe('');
      const k = `${get(p, 'outlet_code')}|${get(p, 'paid_at').slice(0, 10)}`;
      expected.set(k, (expected.get(k) ?? 0) + fen(get(p, 'amount')));
    }
    for (const r of city.refunds) {
      if (get(r, 'channel') !== 'cash') continue;
      const k = `${get(r, 'outlet_code')}|${get(r, 'refunded_at').slice(0, 10)}`;
      expected.set(k, (expected.get(k) ?? 0) - fen(get(r, 'amount')));
    }
    const banked = new Map<string, number>();
    for (const d of city.cash_deposits) {
      const k = `${get(d, 'outlet_code')}|${get(d, 'business_date')}`;
      banked.set(k, (banked.get(k) ?? 0) + fen(get(d, 'amount')));
    }
    let exact = 0;
    let unbanked = 0;
    let short = 0;
    for (const [k, e] of expected) {
      const b = banked.get(k);
      if (b === undefined) unbanked += e > 0 ? 1 : 0;
      else if (b === e) exact++;
      else if (b < e) short++;
    }
    expect(exact / expected.size).toBeGreaterThan(0.9);
    expect(unbanked).toBeGreaterThan(0);
    expect(short).toBeGreaterThan(0);
  });

  it('has terminal disconnections without a recover_in in the −7/+30 day window, and many with one', () => {
    const terminalProducts = new Set(
      city.products.filter((p) => get(p, 'needs_terminal') === 'true').map((p) => get(p, 'product_code')),
    );
    const recovers = groupBy(
      city.stock_moves.filter((m) => get(m, 'move_type') === 'recover_in'),
      (m) => get(m, 'subscriber_id'),
    );
    let withRecovery = 0;
    let without = 0;
    for (const o of city.orders) {
      if (get(o, 'order_type') !== 'disconnect') continue;
      if (!terminalProducts.has(get(subscriber(get(o, 'subscriber_id')), 'product_code'))) continue;
      const d = get(o, 'order_date').slice(0, 10);
      const hit = (recovers.get(get(o, 'subscriber_id')) ?? []).some((m) => {
        const day = get(m, 'moved_at').slice(0, 10);
        return day >= addDaysIso(d, -7) && day <= addDaysIso(d, 30);
      });
      if (hit) withRecovery++;
      else without++;
    }
    expect(withRecovery).toBeGreaterThan(without);
    expect(without).toBeGreaterThan(0);
  });

  it('has warranty swaps with a new unit while the warehouse held a recycled one', () => {
    const recoveredEver = new Set<string>();
    const recycledInStock = new Map<string, Set<string>>();
    let violations = 0;
    let recycledSwaps = 0;
    for (const m of orderedMoves(city)) {
      const sn = get(m, 'terminal_sn');
      if (!sn) continue;
      const k = `${get(m, 'warehouse_code')}|${get(m, 'item_code')}`;
      const held = recycledInStock.get(k) ?? new Set<string>();
      recycledInStock.set(k, held);
      const type = get(m, 'move_type');
      if (type === 'recover_in') {
        recoveredEver.add(sn);
        held.add(sn);
      } else if (type === 'swap_out') {
        if (!recoveredEver.has(sn) && held.size > 0) violations++;
        if (recoveredEver.has(sn)) recycledSwaps++;
        held.delete(sn);
      } else if (type.endsWith('_out') || type === 'scrap') held.delete(sn);
    }
    expect(violations).toBeGreaterThan(0);
    expect(recycledSwaps).toBeGreaterThan(violations);
  });

  it('has new installs without the deposit, and late, early and missing payments', () => {
    const depositProducts = new Set(
      city.products.filter((p) => get(p, 'needs_deposit') === 'true').map((p) => get(p, 'product_code')),
    );
    const collected = new Set(
      city.deposits.filter((d) => get(d, 'kind') === 'collect').map((d) => get(d, 'subscriber_id')),
    );
    const installs = city.orders.filter(
      (o) =>
        get(o, 'order_type') === 'new_install' &&
        depositProducts.has(get(subscriber(get(o, 'subscriber_id')), 'product_code')),
    );
    const missing = installs.filter((o) => !collected.has(get(o, 'subscriber_id')));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(installs.length / 2);
    expect(city.deposits.some((d) => get(d, 'kind') === 'refund')).toBe(true);
    const late = city.payments.filter(
      (p) =>
        get(p, 'bill_month') !== '' && get(p, 'paid_at').slice(0, 7) > addMonthIso(get(p, 'bill_month'), 1),
    );
    expect(late.length).toBeGreaterThan(0);
    expect(city.payments.some((p) => get(p, 'bill_month') === '')).toBe(true);
    const adjustments = city.adjustments.map((a) => fen(get(a, 'amount')));
    expect(adjustments.filter((x) => x < 0).length).toBeGreaterThan(adjustments.filter((x) => x > 0).length);
    expect(adjustments.some((x) => x > 0)).toBe(true);
  });

  it('has every disconnect reason and every order type', () => {
    const types = new Set(city.orders.map((o) => get(o, 'order_type')));
    expect([...types].sort()).toEqual([
      'disconnect',
      'dual_stop',
      'new_install',
      'package_change',
      'resume',
      'single_stop',
    ]);
    const reasons = new Set(
      city.orders.filter((o) => get(o, 'order_type') === 'disconnect').map((o) => get(o, 'reason')),
    );
    expect([...reasons].sort()).toEqual(['arrears', 'fake_user', 'other', 'relocation', 'voluntary']);
  });
});
