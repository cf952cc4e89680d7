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
  await f.product('BB');
  await f.product('MB');
  await f.subscriber('H1', { county: 'C01', product: 'BB', install: '2024-01-01', disconnect: '2025-03-15' });
  await f.subscriber('H2', { county: 'C01', product: 'BB', install: '2024-06-01' });
  await f.subscriber('H3', { county: 'C01', product: 'MB', install: '2025-02-28', disconnect: '2025-04-10' });
  await f.subscriber('H4', { county: 'C02', product: 'BB', install: '2025-03-05', disconnect: '2025-03-20' });
  await f.subscriber('H5', { county: 'C02', product: 'MB', install: '2024-01-01', disconnect: '2025-02-28' });
  await f.subscriber('H6', { county: 'C02', product: 'MB', install: '2024-01-01', disconnect: '2025-05-01' });
  // renewals
  await f.contract('H2', '2024-04-01', '2025-03-31');
  await f.contract('H2', '2025-04-30', '2026-04-29'); // starts exactly end + 30 days: renewed
  await f.contract('H6', '2024-03-10', '2025-03-09');
  await f.contract('H6', '2025-04-09', '2026-04-08'); // end + 31 days: not renewed
  await f.contract('H1', '2024-03-15', '2025-03-14');
  await f.contract('H5', '2024-03-21', '2025-03-20'); // subscriber gone before the end date: not due
  // stop orders
  await f.order('H2', 'single_stop', '2025-03-01 10:00:00+08', 'X1');
  await f.order('H2', 'resume', '2025-03-10 10:00:00+08', 'X2');
  await f.order('H2', 'dual_stop', '2025-03-20 10:00:00+08', 'X3');
  await f.order('H2', 'single_stop', '2025-03-20 10:00:00+08', 'X4'); // same time: X4 is the latest
  await f.order('H6', 'dual_stop', '2025-03-05', 'X5');
  await f.order('H3', 'single_stop', '2025-03-31 16:30:00Z', 'X6'); // 1 April 00:30 local
  await f.order('H3', 'dual_stop', '2025-02-01', 'X7');
  await f.order('H1', 'single_stop', '2025-03-01', 'X8');
  // zero-fee
  await f.subscriber('Z1', { county: 'C01', product: 'BB', install: '2024-01-01' });
  await f.subscriber('Z2', { county: 'C01', product: 'BB', install: '2025-04-01' });
  await f.subscriber('Z3', { county: 'C02', product: 'MB', install: '2024-01-01' });
  await f.bill('Z1', '2025-04', 0);
  await f.bill('Z1', '2025-06', 0);
  await f.bill('Z1', '2025-07', 1000);
  await f.bill('Z3', '2025-05', 500);
  await f.bill('H2', '2025-07', 0);
});
afterAll(async () => t.dispose());

const P = { from: '2025-03-01', to: '2025-04-30' };

describe('churn', () => {
  it('counts from those active the day before the period, not new installs', async () => {
    expect((await run({ metric: 'churn_rate', ...P, by: ['county'] })).rows).toEqual([
      // A = H1, H2, H3, Z1 (H4 installed in the period, H5 gone on 28 Feb); D = H1, H3
      { county: 'C01', value: 0.5, numerator: 2, denominator: 4 },
      { county: 'C02', value: 0, numerator: 0, denominator: 2 },
      { county: 'C03', value: null, numerator: 0, denominator: 0 },
    ]);
    expect((await run({ metric: 'churned', ...P, by: ['county'] })).rows.map((r) => r.value)).toEqual([
      2, 0, 0,
    ]);
  });

  it('cut by month computes each month as its own period', async () => {
    expect(
      (await run({ metric: 'churn_rate', ...P, by: ['county', 'month'], filters: { county: 'C01' } })).rows,
    ).toEqual([
      { county: 'C01', month: '2025-03', value: 0.25, numerator: 1, denominator: 4 },
      { county: 'C01', month: '2025-04', value: 0.3333, numerator: 1, denominator: 3 },
    ]);
  });
});

describe('renewals', () => {
  it('renewed within end + 30 days, only contracts of active subscribers', async () => {
    const q = { from: '2025-03-01', to: '2025-03-31', by: ['county'] };
    expect((await run({ metric: 'renewal_rate', ...q })).rows).toEqual([
      { county: 'C01', value: 0.5, numerator: 1, denominator: 2 },
      { county: 'C02', value: 0, numerator: 0, denominator: 1 },
      { county: 'C03', value: null, numerator: 0, denominator: 0 },
    ]);
    expect((await run({ metric: 'renewals_due', ...q })).rows.map((r) => r.value)).toEqual([2, 1, 0]);
    expect((await run({ metric: 'renewed', ...q })).rows.map((r) => r.value)).toEqual([1, 0, 0]);
  });
});

describe('stopped users', () => {
  it('uses the latest stop/resume order by (order_date, order_id) up to the local date', async () => {
    const at = async (metric: string, d: string) =>
      (await run({ metric, at: d, by: ['county'] })).rows.map((r) => r.value);
    expect(await at('single_stop_users', '2025-03-31')).toEqual([1, 0, 0]);
    expect(await at('dual_stop_users', '2025-03-31')).toEqual([1, 1, 0]);
    expect(await at('single_stop_users', '2025-04-01')).toEqual([2, 0, 0]);
    expect(await at('dual_stop_users', '2025-04-01')).toEqual([0, 1, 0]);
  });
});

describe('zero-fee users', () => {
  it('N = 3 by default: installed before the window, active at month end, no bill above 0', async () => {
    const a = await run({ metric: 'zero_fee_users', month: '2025-06', by: ['county'] });
    expect(a).toMatchObject({ month: '2025-06', n: 3 });
    expect(a.rows).toEqual([
      { county: 'C01', value: 2 },
      { county: 'C02', value: 0 },
      { county: 'C03', value: 0 },
    ]);
    expect(
      (await run({ metric: 'zero_fee_users', month: '2025-06', n: 1, by: ['county'] })).rows.map(
        (r) => r.value,
      ),
    ).toEqual([3, 1, 0]);
  });

  it('activated: zero-fee last month and billed above 0 this month', async () => {
    expect(
      (await run({ metric: 'zero_fee_activated', month: '2025-07', by: ['county'] })).rows.map(
        (r) => r.value,
      ),
    ).toEqual([1, 0, 0]);
  });
});
