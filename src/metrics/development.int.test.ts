import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { systemActor, type Actor } from '../server/rbac.js';
import { Forbidden, ValidationError } from '../core/errors.js';
import { runMetric, type MetricQuery } from './index.js';

let t: TestDatabase;
const sys = systemActor('test');
const run = (q: Partial<MetricQuery> & { metric: string }, actor: Actor = sys) =>
  runMetric(t.db, actor, { by: [], filters: {}, ...q });

// 2024 is a leap year: S2 and S3 end on 29 February, S4's order completes at 00:30 on 1 March local time
beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  for (const c of ['C01', 'C02', 'C03']) await f.county(c);
  await f.product('BB', { needsTerminal: true });
  await f.product('MB');
  await f.subscriber('S1', { county: 'C01', product: 'BB', install: '2023-12-15' });
  await f.subscriber('S2', { county: 'C01', product: 'MB', install: '2024-01-10', disconnect: '2024-02-29' });
  await f.subscriber('S3', { county: 'C02', product: 'BB', install: '2024-02-29', disconnect: '2024-02-29' });
  await f.subscriber('S4', { county: 'C02', product: 'MB', install: '2024-03-01' });
  await f.order('S2', 'new_install', '2024-01-10 10:00:00+08');
  await f.order('S2', 'disconnect', '2024-02-29 23:30:00+08');
  await f.order('S3', 'new_install', '2024-02-29 09:00:00+08');
  await f.order('S3', 'disconnect', '2024-02-29 18:00:00+08');
  await f.order('S4', 'new_install', '2024-02-29 16:30:00Z');
  await f.order('S1', 'package_change', '2024-02-10');
  await f.bill('S1', '2024-01', 10000);
  await f.bill('S1', '2024-02', 10000);
  await f.bill('S1', '2024-03', 10000);
  await f.bill('S2', '2024-01', 5000);
  await f.bill('S2', '2024-02', 5000);
  await f.bill('S4', '2024-03', 3000);
  await f.adjustment('S1', '2024-02', '2024-03-05', -2000);
  await f.adjustment('S1', '2024-03', '2024-04-02', -1000);
  await f.adjustment('S2', '2024-01', '2024-01-20', 500);
});
afterAll(async () => t.dispose());

const Q1 = { from: '2024-01-01', to: '2024-03-31' };

describe('orders', () => {
  it('counts new installs by county and month, local dates, every group listed', async () => {
    const a = await run({ metric: 'new_installs', ...Q1, by: ['county', 'month'] });
    expect(a).toMatchObject({
      metric: 'new_installs',
      from: '2024-01-01',
      to: '2024-03-31',
      by: ['county', 'month'],
    });
    expect(a.rows).toEqual([
      { county: 'C01', month: '2024-01', value: 1 },
      { county: 'C01', month: '2024-02', value: 0 },
      { county: 'C01', month: '2024-03', value: 0 },
      { county: 'C02', month: '2024-01', value: 0 },
      { county: 'C02', month: '2024-02', value: 1 },
      { county: 'C02', month: '2024-03', value: 1 },
      { county: 'C03', month: '2024-01', value: 0 },
      { county: 'C03', month: '2024-02', value: 0 },
      { county: 'C03', month: '2024-03', value: 0 },
    ]);
  });

  it('counts a subscriber installed and disconnected on the same day in both', async () => {
    expect((await run({ metric: 'disconnections', ...Q1, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 1 },
      { county: 'C02', value: 1 },
      { county: 'C03', value: 0 },
    ]);
    expect((await run({ metric: 'net_adds', ...Q1, by: ['product'] })).rows).toEqual([
      { product: 'BB', value: 0 },
      { product: 'MB', value: 1 },
    ]);
    expect((await run({ metric: 'net_adds', ...Q1 })).rows).toEqual([{ value: 1 }]);
  });

  it('clips months to the period and respects the leap day', async () => {
    expect(
      (await run({ metric: 'new_installs', from: '2024-02-15', to: '2024-03-10', by: ['month'] })).rows,
    ).toEqual([
      { month: '2024-02', value: 1 },
      { month: '2024-03', value: 1 },
    ]);
    expect((await run({ metric: 'new_installs', from: '2024-02-01', to: '2024-02-28' })).rows).toEqual([
      { value: 0 },
    ]);
    expect((await run({ metric: 'disconnections', from: '2024-02-29', to: '2024-02-29' })).rows).toEqual([
      { value: 2 },
    ]);
  });
});

describe('active subscribers', () => {
  it('is active until the day before the disconnect date', async () => {
    const at = async (d: string) =>
      (await run({ metric: 'active_subscribers', at: d, by: ['county'] })).rows.map((r) => r.value);
    expect(await at('2024-02-28')).toEqual([2, 0, 0]);
    expect(await at('2024-02-29')).toEqual([1, 0, 0]);
    expect(await at('2024-03-01')).toEqual([1, 1, 0]);
  });

  it('rejects a cut the metric does not have, naming it and the allowed ones', async () => {
    await expect(run({ metric: 'active_subscribers', at: '2024-03-01', by: ['month'] })).rejects.toThrow(
      /active_subscribers cannot be cut by month; allowed cuts: county, product/,
    );
    await expect(
      run({ metric: 'active_subscribers', at: '2024-03-01', by: ['outlet'] }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('revenue', () => {
  it('adds adjustments of the same bill months made up to `to`', async () => {
    expect((await run({ metric: 'revenue', ...Q1, by: ['county'] })).rows).toEqual([
      { county: 'C01', value: 38500 },
      { county: 'C02', value: 3000 },
      { county: 'C03', value: 0 },
    ]);
    expect((await run({ metric: 'revenue', ...Q1, by: ['month'] })).rows).toEqual([
      { month: '2024-01', value: 15500 },
      { month: '2024-02', value: 13000 },
      { month: '2024-03', value: 13000 },
    ]);
  });

  it('cut by month uses the query end as every month’s adjustment cutoff', async () => {
    expect(
      (await run({ metric: 'revenue', from: '2024-03-01', to: '2024-04-30', by: ['month'] })).rows,
    ).toEqual([
      { month: '2024-03', value: 12000 },
      { month: '2024-04', value: 0 },
    ]);
  });

  it('rejects part-month periods and accepts a leap February', async () => {
    await expect(run({ metric: 'revenue', from: '2024-01-02', to: '2024-03-31' })).rejects.toThrow(
      /whole month/,
    );
    await expect(run({ metric: 'revenue', from: '2024-01-01', to: '2024-02-28' })).rejects.toThrow(
      /month's last day/,
    );
    // the -2000 adjustment of February was made on 5 March, after `to`: it does not count
    expect((await run({ metric: 'revenue', from: '2024-01-01', to: '2024-02-29' })).rows).toEqual([
      { value: 30500 },
    ]);
  });
});

describe('query validation and scope', () => {
  it('rejects unknown metrics, missing and reversed dates', async () => {
    await expect(run({ metric: 'nope', ...Q1 })).rejects.toThrow(/unknown metric: nope/);
    await expect(run({ metric: 'new_installs', from: '2024-01-01' })).rejects.toThrow(/needs to/);
    await expect(run({ metric: 'new_installs', from: '2024-03-01', to: '2024-01-01' })).rejects.toThrow(
      /after/,
    );
    await expect(run({ metric: 'new_installs', from: '2024-02-30', to: '2024-03-01' })).rejects.toThrow(
      /not a valid date/,
    );
  });

  it('limits a county user to their county and refuses another', async () => {
    const county: Actor = { ...sys, username: 'c2', role: 'county_manager', countyScope: 'C02' };
    expect((await run({ metric: 'new_installs', ...Q1, by: ['county'] }, county)).rows).toEqual([
      { county: 'C02', value: 2 },
    ]);
    expect((await run({ metric: 'new_installs', ...Q1 }, county)).rows).toEqual([{ value: 2 }]);
    await expect(
      run({ metric: 'new_installs', ...Q1, filters: { county: 'C01' } }, county),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  it('filters by product and lists only that product', async () => {
    expect(
      (await run({ metric: 'new_installs', ...Q1, by: ['product'], filters: { product: 'MB' } })).rows,
    ).toEqual([{ product: 'MB', value: 2 }]);
  });
});
