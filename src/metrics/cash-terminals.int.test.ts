import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { systemActor } from '../server/rbac.js';
import { runMetric, type MetricQuery } from './index.js';

let t: TestDatabase;
const sys = systemActor('test');
const run = (q: Partial<MetricQuery> & { metric: string }) =>
  runMetric(t.db, sys, { by: [], filters: {}, ...q });

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  for (const c of ['C01', 'C02', 'C03']) await f.county(c);
  await f.product('BB', { needsTerminal: true, needsDeposit: true });
  await f.product('MB');
  await f.outlet('O1', 'C01');
  await f.outlet('O2', 'C01');
  await f.outlet('O3', 'C02');
  await f.subscriber('T1', { county: 'C01', product: 'BB', install: '2025-06-05', disconnect: '2025-06-25' });
  await f.subscriber('T2', { county: 'C01', product: 'BB', install: '2025-06-10', disconnect: '2025-06-28' });
  await f.subscriber('T3', { county: 'C02', product: 'BB', install: '2025-06-20' });
  await f.subscriber('T4', { county: 'C01', product: 'MB', install: '2025-06-01', disconnect: '2025-06-30' });
  // cash, March 2025
  await f.payment('T3', null, '2025-03-01 09:00:00+08', 10000, { channel: 'cash', outlet: 'O1' });
  await f.payment('T3', null, '2025-03-01 23:59:00+08', 5000, { channel: 'cash', outlet: 'O1' });
  await f.refund('T3', '2025-03-01', 2000, { channel: 'cash', outlet: 'O1' });
  await f.cashDeposit('O1', '2025-03-01', 13000);
  await f.payment('T3', null, '2025-03-01 16:30:00Z', 8000, { channel: 'cash', outlet: 'O1' }); // 2 March local
  await f.payment('T3', null, '2025-03-02', 9999, { channel: 'bank', outlet: 'O1' });
  await f.cashDeposit('O1', '2025-03-02', 7000);
  await f.payment('T3', null, '2025-03-31', 4000, { channel: 'cash', outlet: 'O2' });
  await f.payment('T3', null, '2025-04-01', 3000, { channel: 'cash', outlet: 'O2' });
  await f.cashDeposit('O3', '2025-03-15', 500);
  await f.payment('T3', null, '2025-03-05', 2000, { channel: 'cash', outlet: null });
  // terminals, June 2025
  await f.order('T1', 'new_install', '2025-06-05');
  await f.order('T2', 'new_install', '2025-06-10');
  await f.order('T3', 'new_install', '2025-06-20');
  await f.order('T4', 'new_install', '2025-06-01');
  await f.order('T1', 'disconnect', '2025-06-25');
  await f.order('T2', 'disconnect', '2025-06-28');
  await f.order('T4', 'disconnect', '2025-06-30');
  await f.deposit('T1', 'collect', '2025-05-29'); // order − 7 days: in
  await f.deposit('T2', 'collect', '2025-06-18'); // order + 8 days: out
  await f.deposit('T3', 'refund', '2025-06-20');
  await f.warehouse('W0', null);
  await f.warehouse('W1', 'C01');
  await f.warehouse('W2', 'C02');
  await f.item('ONT', { product: 'BB', serialized: true });
  await f.item('CAB', { product: null, serialized: false });
  const mv = f.move;
  await mv({ id: 'M01', at: '2025-05-01', warehouse: 'W1', item: 'ONT', type: 'purchase_in', sn: 'A' });
  await mv({ id: 'M02', at: '2025-05-01', warehouse: 'W1', item: 'ONT', type: 'purchase_in', sn: 'B' });
  await mv({
    id: 'M03',
    at: '2025-06-05',
    warehouse: 'W1',
    item: 'ONT',
    type: 'install_out',
    sn: 'A',
    subscriber: 'T1',
  });
  await mv({ id: 'M04', at: '2025-05-01', warehouse: 'W0', item: 'ONT', type: 'purchase_in', sn: 'C' });
  await mv({
    id: 'M05',
    at: '2025-06-10',
    warehouse: 'W0',
    item: 'ONT',
    type: 'install_out',
    sn: 'C',
    subscriber: 'T2',
  });
  await mv({
    id: 'M06',
    at: '2025-07-25',
    warehouse: 'W1',
    item: 'ONT',
    type: 'recover_in',
    sn: 'A',
    subscriber: 'T1',
  });
  await mv({
    id: 'M07',
    at: '2025-06-20 10:00:00+08',
    warehouse: 'W0',
    item: 'ONT',
    type: 'recover_in',
    sn: 'C',
    subscriber: 'T2',
  });
  await mv({ id: 'M10', at: '2025-05-02', warehouse: 'W0', item: 'ONT', type: 'purchase_in', sn: 'D' });
  await mv({ id: 'M11', at: '2025-05-02', warehouse: 'W0', item: 'ONT', type: 'purchase_in', sn: 'E' });
  // same moved_at as M07: M06z sorts before it (C not yet recovered), M07z after it
  await mv({
    id: 'M06z',
    at: '2025-06-20 10:00:00+08',
    warehouse: 'W0',
    item: 'ONT',
    type: 'swap_out',
    sn: 'D',
    subscriber: 'T3',
  });
  await mv({
    id: 'M07z',
    at: '2025-06-20 10:00:00+08',
    warehouse: 'W0',
    item: 'ONT',
    type: 'swap_out',
    sn: 'E',
    subscriber: 'T3',
  });
  await mv({
    id: 'M08',
    at: '2025-07-26',
    warehouse: 'W1',
    item: 'ONT',
    type: 'swap_out',
    sn: 'B',
    subscriber: 'T1',
  });
  await mv({
    id: 'M09',
    at: '2025-07-27',
    warehouse: 'W1',
    item: 'ONT',
    type: 'swap_out',
    sn: 'A',
    subscriber: 'T1',
  });
  await mv({ id: 'M12', at: '2025-05-01', warehouse: 'W2', item: 'CAB', type: 'purchase_in', quantity: 100 });
  await mv({
    id: 'M13',
    at: '2025-06-20',
    warehouse: 'W2',
    item: 'CAB',
    type: 'install_out',
    quantity: 3,
    subscriber: 'T3',
  });
});
afterAll(async () => t.dispose());

const MAR = { from: '2025-03-01', to: '2025-03-31' };
const JUN = { from: '2025-06-01', to: '2025-06-30' };

describe('cash', () => {
  it('expected, banked, gap and gap days per county (outlet’s county), cash channel only', async () => {
    const v = async (metric: string) =>
      (await run({ metric, ...MAR, by: ['county'] })).rows.map((r) => r.value);
    expect(await v('cash_expected')).toEqual([25000, 0, 0]);
    expect(await v('cash_banked')).toEqual([20000, 500, 0]);
    expect(await v('cash_gap')).toEqual([5000, -500, 0]);
    expect(await v('cash_gap_days')).toEqual([2, 1, 0]);
  });

  it('by outlet lists every outlet with its figures', async () => {
    expect((await run({ metric: 'cash_gap', ...MAR, by: ['outlet'] })).rows).toEqual([
      { outlet: 'O1', value: 1000 },
      { outlet: 'O2', value: 4000 },
      { outlet: 'O3', value: -500 },
    ]);
    expect(
      (await run({ metric: 'cash_gap_days', ...MAR, by: ['county', 'outlet'], filters: { county: 'C01' } }))
        .rows,
    ).toEqual([
      { county: 'C01', outlet: 'O1', value: 1 },
      { county: 'C01', outlet: 'O2', value: 1 },
    ]);
  });

  it('has no product cut or filter', async () => {
    await expect(run({ metric: 'cash_gap', ...MAR, by: ['product'] })).rejects.toThrow(
      /cannot be cut by product; allowed cuts: county, outlet, month/,
    );
    await expect(run({ metric: 'cash_gap', ...MAR, filters: { product: 'BB' } })).rejects.toThrow(
      /cannot be filtered by product/,
    );
  });
});

describe('terminals and deposits', () => {
  it('deposit compliance within ±7 days of the order, needs_deposit products only', async () => {
    expect((await run({ metric: 'deposit_compliance_rate', ...JUN, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 0.5, numerator: 1, denominator: 2 },
      { county: 'C02', value: 0, numerator: 0, denominator: 1 },
      { county: 'C03', value: null, numerator: 0, denominator: 0 },
    ]);
  });

  it('terminal recovery within [order − 7, order + 30] days', async () => {
    expect((await run({ metric: 'terminal_recovery_rate', ...JUN, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 0.5, numerator: 1, denominator: 2 },
      { county: 'C02', value: null, numerator: 0, denominator: 0 },
      { county: 'C03', value: null, numerator: 0, denominator: 0 },
    ]);
  });

  it('install/terminal mismatch: city-warehouse issues in the null county group, listed last', async () => {
    expect((await run({ metric: 'install_terminal_mismatch', ...JUN, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 1 },
      { county: 'C02', value: 1 },
      { county: 'C03', value: 0 },
      { county: null, value: -1 },
    ]);
    expect((await run({ metric: 'install_terminal_mismatch', ...JUN, by: ['product'] })).rows).toEqual([
      { product: 'BB', value: 1 },
      { product: 'MB', value: 0 },
      { product: null, value: 0 },
    ]);
    expect(
      (await run({ metric: 'install_terminal_mismatch', ...JUN, by: ['county'], filters: { county: 'C02' } }))
        .rows,
    ).toEqual([{ county: 'C02', value: 1 }]);
  });

  it('stock on hand per warehouse × item, items without product in the null group', async () => {
    expect(
      (await run({ metric: 'stock_on_hand', at: '2025-06-30', by: ['warehouse', 'item'] })).rows,
    ).toEqual([
      { warehouse: 'W0', item: 'CAB', value: 0 },
      { warehouse: 'W0', item: 'ONT', value: 1 },
      { warehouse: 'W1', item: 'CAB', value: 0 },
      { warehouse: 'W1', item: 'ONT', value: 1 },
      { warehouse: 'W2', item: 'CAB', value: 97 },
      { warehouse: 'W2', item: 'ONT', value: 0 },
    ]);
    expect(
      (await run({ metric: 'stock_on_hand', at: '2025-06-30', by: ['county'] })).rows.map((r) => [
        r.county,
        r.value,
      ]),
    ).toEqual([
      ['C01', 1],
      ['C02', 97],
      ['C03', 0],
      [null, 1],
    ]);
    expect(
      (await run({ metric: 'stock_on_hand', at: '2025-06-30', by: ['product'] })).rows.map((r) => [
        r.product,
        r.value,
      ]),
    ).toEqual([
      ['BB', 2],
      ['MB', 0],
      [null, 97],
    ]);
    expect(
      (
        await run({
          metric: 'stock_on_hand',
          at: '2025-07-31',
          by: ['warehouse'],
          filters: { county: 'C01' },
        })
      ).rows,
    ).toEqual([{ warehouse: 'W1', value: 0 }]);
  });

  it('new-unit swaps: ties ordered by move_id, recycled units already swapped out do not count', async () => {
    const q = { from: '2025-06-01', to: '2025-07-31' };
    expect((await run({ metric: 'new_unit_swaps', ...q, by: ['warehouse'] })).rows).toEqual([
      { warehouse: 'W0', value: 1 },
      { warehouse: 'W1', value: 1 },
      { warehouse: 'W2', value: 0 },
    ]);
    expect(
      (await run({ metric: 'new_unit_swaps', ...q, by: ['county', 'month'] })).rows.filter(
        (r) => r.value !== 0,
      ),
    ).toEqual([
      { county: 'C01', month: '2025-07', value: 1 },
      { county: null, month: '2025-06', value: 1 },
    ]);
  });
});
