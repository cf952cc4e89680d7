import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { systemActor } from '../server/rbac.js';
import { runMetric, type MetricQuery } from './index.js';

let t: TestDatabase;
const sys = systemActor('test');
const run = (q: Partial<MetricQuery> & { metric: string }, today = '2026-06-15') =>
  runMetric(t.db, sys, { by: [], filters: {}, ...q }, { today });

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  for (const c of ['C01', 'C02', 'C03', 'C04']) await f.county(c);
  await f.product('BB');
  await f.product('MB');
  const sub = (id: string, county: string, product: string) =>
    f.subscriber(id, { county, product, install: '2024-01-01' });
  await sub('K1', 'C01', 'BB');
  await sub('K2', 'C01', 'BB');
  await sub('K3', 'C01', 'MB');
  await sub('K4', 'C02', 'BB');
  await sub('K5', 'C02', 'MB');
  await sub('K6', 'C03', 'BB');
  await sub('L1', 'C01', 'MB');
  await sub('L2', 'C02', 'BB');
  // bill month 2026-03
  await f.bill('K1', '2026-03', 10000);
  await f.payment('K1', '2026-03', '2026-03-20', 12000); // over-payment: capped at due
  await f.bill('K2', '2026-03', 8000);
  await f.payment('K2', '2026-03', '2026-04-10', 3000);
  await f.payment('K2', '2026-03', '2026-04-30 16:10:00Z', 5000); // 1 May 00:10 local: after EOM(m+1)
  await f.bill('K3', '2026-03', 5000);
  await f.adjustment('K3', '2026-03', '2026-04-15', -2000);
  await f.adjustment('K3', '2026-03', '2026-05-03', -4000); // after the default cutoff; later floors due at 0
  await f.payment('K3', '2026-03', '2026-04-20', 3000);
  await f.bill('K4', '2026-03', 4000);
  await f.payment('K4', null, '2026-03-01', 10000); // prepayment: applied to no bill
  await f.adjustment('K5', '2026-03', '2026-03-10', 1000); // no bill, a positive adjustment only
  await f.payment('K5', '2026-03', '2026-04-30 23:59:00+08', 1000);
  await f.bill('K6', '2026-03', 16000);
  await f.payment('K6', '2026-03', '2026-04-01', 15700); // 15700 / 16000 = 0.98125 → 0.9813
  // older arrears
  await f.bill('L1', '2024-06', 7000);
  await f.bill('L1', '2026-07', 2000);
  await f.bill('L1', '2026-08', 2500);
  await f.bill('L2', '2025-12', 6000);
  await f.payment('L2', '2025-12', '2026-01-05', 1000);
  await f.payment('L2', '2025-12', '2026-09-01', 2000); // after t
  await f.bill('L2', '2026-01', 3000);
});
afterAll(async () => t.dispose());

describe('current collection rate', () => {
  it('defaults the cutoff to EOM(m+1), caps over-payment, ignores prepayments and later payments', async () => {
    const a = await run({ metric: 'current_collection_rate', month: '2026-03', by: ['county'] });
    expect(a).toEqual({
      metric: 'current_collection_rate',
      month: '2026-03',
      cutoff: '2026-04-30',
      provisional: false,
      by: ['county'],
      rows: [
        { county: 'C01', value: 0.7619, numerator: 16000, denominator: 21000 },
        { county: 'C02', value: 0.2, numerator: 1000, denominator: 5000 },
        { county: 'C03', value: 0.9813, numerator: 15700, denominator: 16000 },
        { county: 'C04', value: null, numerator: 0, denominator: 0 },
      ],
    });
    expect((await run({ metric: 'receivable', month: '2026-03' })).rows).toEqual([{ value: 42000 }]);
    expect((await run({ metric: 'current_collected', month: '2026-03', by: ['product'] })).rows).toEqual([
      { product: 'BB', value: 10000 + 3000 + 15700 },
      { product: 'MB', value: 3000 + 1000 },
    ]);
  });

  it('is provisional when today is before EOM(m+1), and honours adjustments by their date', async () => {
    const a = await run(
      { metric: 'current_collection_rate', month: '2026-03', by: ['county'], filters: { county: 'C01' } },
      '2026-04-10',
    );
    expect(a.cutoff).toBe('2026-04-10');
    expect(a.provisional).toBe(true);
    expect(a.rows).toEqual([{ county: 'C01', value: 0.5652, numerator: 13000, denominator: 23000 }]);
  });

  it('floors due at zero when adjustments exceed the bill (explicit later cutoff)', async () => {
    const a = await run({
      metric: 'current_collection_rate',
      month: '2026-03',
      cutoff: '2026-05-31',
      by: ['county'],
      filters: { county: 'C01' },
    });
    expect(a.provisional).toBe(false);
    expect(a.rows).toEqual([{ county: 'C01', value: 1, numerator: 18000, denominator: 18000 }]);
  });

  it('has no month cut', async () => {
    await expect(run({ metric: 'receivable', month: '2026-03', by: ['month'] })).rejects.toThrow(
      /cannot be cut by month/,
    );
  });
});

describe('arrears at a date', () => {
  const at = '2026-08-15';
  it('long-term arrears: bill months with EOM(m+3) before t', async () => {
    expect((await run({ metric: 'long_term_arrears', at, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 7000 },
      { county: 'C02', value: 12000 },
      { county: 'C03', value: 300 },
      { county: 'C04', value: 0 },
    ]);
  });

  it('lists only bill months with arrears, crossed with the other cuts', async () => {
    expect((await run({ metric: 'long_term_arrears', at, by: ['month'] })).rows).toEqual([
      { month: '2024-06', value: 7000 },
      { month: '2025-12', value: 5000 },
      { month: '2026-01', value: 3000 },
      { month: '2026-03', value: 4300 },
    ]);
    const rows = (await run({ metric: 'long_term_arrears', at, by: ['county', 'month'] })).rows;
    expect(rows).toHaveLength(16);
    expect(rows.slice(0, 4)).toEqual([
      { county: 'C01', month: '2024-06', value: 7000 },
      { county: 'C01', month: '2025-12', value: 0 },
      { county: 'C01', month: '2026-01', value: 0 },
      { county: 'C01', month: '2026-03', value: 0 },
    ]);
    expect(
      (await run({ metric: 'long_term_arrears', at, by: ['month'], filters: { county: 'C03' } })).rows,
    ).toEqual([{ month: '2026-03', value: 300 }]);
  });

  it('new long-term arrears: only bill months of t’s year', async () => {
    expect(
      (await run({ metric: 'new_long_term_arrears', at, by: ['county'] })).rows.map((r) => r.value),
    ).toEqual([0, 7000, 300, 0]);
  });

  it('ages arrears in bucket order, k ≤ 0 left out', async () => {
    const a = await run({ metric: 'arrears_aging', at });
    expect(a.by).toEqual(['bucket']);
    expect(a.rows).toEqual([
      { bucket: '1-3', value: 2000 },
      { bucket: '4-6', value: 4300 },
      { bucket: '7-12', value: 8000 },
      { bucket: '13-24', value: 0 },
      { bucket: '>24', value: 7000 },
    ]);
    const byMonth = await run({ metric: 'arrears_aging', at, by: ['month'] });
    expect(byMonth.by).toEqual(['month', 'bucket']);
    expect(byMonth.rows).toEqual([
      { month: '2024-06', bucket: '>24', value: 7000 },
      { month: '2025-12', bucket: '7-12', value: 5000 },
      { month: '2026-01', bucket: '7-12', value: 3000 },
      { month: '2026-03', bucket: '4-6', value: 4300 },
      { month: '2026-07', bucket: '1-3', value: 2000 },
    ]);
  });
});

describe('adjustment total', () => {
  it('sums reductions by adjustment date', async () => {
    expect(
      (await run({ metric: 'adjustment_total', from: '2026-03-01', to: '2026-05-31', by: ['month'] })).rows,
    ).toEqual([
      { month: '2026-03', value: 0 },
      { month: '2026-04', value: 2000 },
      { month: '2026-05', value: 4000 },
    ]);
  });
});
