import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { systemActor } from '../server/rbac.js';
import { createRng } from '../demo/random.js';
import { addDays } from '../core/dates.js';
import { METRIC_CATALOG, runMetric, type MetricQuery } from './index.js';

let t: TestDatabase;
const sys = systemActor('prop');

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  // the project's seeded PRNG (the demo city's): the random city is the same on every run
  const rng = createRng(20261128);
  const rnd = () => rng.float();
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const day = (from: string, span: number) => addDays(from, Math.floor(rnd() * span));
  const counties = ['C01', 'C02', 'C03'];
  for (const c of counties) await f.county(c);
  await f.product('BB', { needsTerminal: true, needsDeposit: true });
  await f.product('MB');
  const outlets = ['O1', 'O2', 'O3', 'O4'];
  for (const [i, o] of outlets.entries()) await f.outlet(o, counties[i % 3] as string);
  await f.warehouse('W0', null);
  await f.warehouse('W1', 'C01');
  await f.warehouse('W2', 'C02');
  await f.item('ONT', { product: 'BB' });
  await f.item('CAB', { product: null, serialized: false });
  for (let i = 0; i < 60; i++) {
    const id = `S${i}`;
    const install = day('2024-06-01', 400);
    const disc = rnd() < 0.3 ? day(install, 200) : null;
    await f.subscriber(id, {
      county: pick(counties),
      product: pick(['BB', 'MB']),
      install,
      disconnect: disc,
    });
    await f.order(id, 'new_install', install);
    if (disc) await f.order(id, 'disconnect', disc);
    if (rnd() < 0.3)
      await f.order(id, pick(['single_stop', 'dual_stop', 'resume'] as const), day(install, 100));
    await f.contract(id, install, addDays(install, 180));
    if (rnd() < 0.5)
      await f.contract(id, addDays(install, 181 + Math.floor(rnd() * 40)), addDays(install, 400));
    for (const m of ['2025-01', '2025-02', '2025-03', '2025-04']) {
      if (rnd() < 0.7) await f.bill(id, m, Math.floor(rnd() * 3) * 2500);
      if (rnd() < 0.5)
        await f.payment(id, m, day(`${m}-05`, 60), 1000 + Math.floor(rnd() * 4000), {
          channel: pick(['cash', 'bank'] as const),
          outlet: pick(outlets),
        });
      if (rnd() < 0.2) await f.adjustment(id, m, day(`${m}-10`, 50), Math.floor(rnd() * 3000) - 2000);
    }
    if (rnd() < 0.3) await f.deposit(id, 'collect', day(install, 10));
    if (rnd() < 0.3)
      await f.move({
        at: day(install, 3),
        warehouse: pick(['W0', 'W1', 'W2']),
        item: 'ONT',
        type: 'purchase_in',
        sn: `SN${i}`,
      });
  }
  for (const o of outlets)
    for (let k = 0; k < 5; k++)
      await f.cashDeposit(o, day('2025-01-01', 120), 1000 + Math.floor(rnd() * 3000));
  await f.move({ at: '2025-01-01', warehouse: 'W2', item: 'CAB', type: 'purchase_in', quantity: 50 });
});
afterAll(async () => t.dispose());

const timeOf = (kind: string): Partial<MetricQuery> =>
  kind === 'period'
    ? { from: '2025-01-01', to: '2025-04-30' }
    : kind === 'point'
      ? { at: '2025-04-15' }
      : kind === 'bill_month'
        ? { month: '2025-02', cutoff: '2025-03-20' }
        : { month: '2025-04' };

describe('by-county rows sum to the city row', () => {
  const additive = METRIC_CATALOG.filter((m) => m.unit !== 'rate');
  it.each(additive.map((m) => [m.id, m.kind] as const))('%s', async (metric, kind) => {
    const q = { metric, by: [], filters: {}, ...timeOf(kind) };
    const city = await runMetric(t.db, sys, q);
    const byCounty = await runMetric(t.db, sys, { ...q, by: ['county'] });
    const total = (rows: readonly Record<string, unknown>[]) =>
      rows.reduce((s, r) => s + (r.value as number), 0);
    expect(total(byCounty.rows)).toBe(total(city.rows));
    if (metric === 'arrears_aging') expect(city.rows).toHaveLength(5);
    else expect(city.rows).toHaveLength(1);
  });

  it('rate numerators and denominators add up too', async () => {
    for (const m of METRIC_CATALOG.filter((x) => x.unit === 'rate')) {
      const q = { metric: m.id, by: [], filters: {}, ...timeOf(m.kind) };
      const city = (await runMetric(t.db, sys, q)).rows[0];
      const rows = (await runMetric(t.db, sys, { ...q, by: ['county'] })).rows;
      expect(rows.reduce((s, r) => s + (r.numerator as number), 0)).toBe(city?.numerator);
      expect(rows.reduce((s, r) => s + (r.denominator as number), 0)).toBe(city?.denominator);
    }
  });
});
