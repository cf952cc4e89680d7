import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/support/db.js';
import { factories } from '../../../test/support/factories.js';
import { systemActor } from '../../server/rbac.js';
import { createRng } from '../../demo/random.js';
import { addDays } from '../../core/dates.js';
import { runCommittedHooks } from '../../ingest/hooks.js';
import { METRIC_CATALOG, runMetric, type MetricQuery } from '../index.js';
import { prepareQuery } from '../engine.js';
import { AGGREGATED_METRICS, AGGREGATE_LIMITS, fromAggregates } from './serve.js';
import { refreshMetricAggregates } from './refresh.js';
import { NO_DIFFERENCES, rollupDifferences } from './test/rollups.js';
import './register.js';

let t: TestDatabase;
const sys = systemActor('agg');
const TODAY = '2025-06-15';

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  // the project's seeded PRNG (the demo city's): the random city is the same on every run
  const rng = createRng(4242);
  const rnd = () => rng.float();
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const day = (from: string, span: number) => addDays(from, Math.floor(rnd() * span));
  const counties = ['C01', 'C02', 'C03'];
  for (const c of counties) await f.county(c);
  await f.product('BB', { needsTerminal: true, needsDeposit: true });
  await f.product('MB');
  await f.warehouse('W1', 'C01');
  await f.item('ONU', { product: 'BB', serialized: false });
  const outlets = ['O1', 'O2', 'O3', 'O4'];
  for (const [i, o] of outlets.entries()) await f.outlet(o, counties[i % 3] as string);
  for (let i = 0; i < 70; i++) {
    const id = `S${i}`;
    const install = day('2024-06-01', 330);
    const disc = rnd() < 0.3 ? day(install, 250) : null;
    await f.subscriber(id, {
      county: pick(counties),
      product: pick(['BB', 'MB']),
      install,
      disconnect: disc,
    });
    await f.order(id, 'new_install', install);
    if (disc) {
      await f.order(id, 'disconnect', disc);
      // the terminal comes back on either side of the window's edges (−7 … +30 days), or never
      if (i % 7 !== 6)
        await f.move({
          at: addDays(disc, [-8, -7, 0, 21, 30, 31][i % 7] as number),
          warehouse: 'W1',
          item: 'ONU',
          type: 'recover_in',
          subscriber: id,
        });
    }
    for (const m of [
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
    ]) {
      if (rnd() < 0.7) await f.bill(id, m, Math.floor(rnd() * 3) * 2500);
      // payments from early in the bill month to four months later: some after every cutoff
      if (rnd() < 0.6)
        await f.payment(id, m, day(`${m}-03`, 120), 1000 + Math.floor(rnd() * 4000), {
          channel: pick(['cash', 'bank'] as const),
          outlet: pick(outlets),
        });
      if (rnd() < 0.15) await f.payment(id, m, day(`${m}-20`, 30), 2500, { channel: 'online' });
      if (rnd() < 0.2) await f.adjustment(id, m, day(`${m}-10`, 80), Math.floor(rnd() * 3000) - 2000);
    }
    if (rnd() < 0.2)
      await f.payment(id, null, day('2025-01-01', 100), 3000, { channel: 'cash', outlet: 'O1' });
    if (rnd() < 0.2)
      await f.refund(id, day('2025-01-01', 120), 500, { channel: 'cash', outlet: pick(outlets) });
  }
  for (const o of outlets)
    for (let k = 0; k < 6; k++)
      await f.cashDeposit(o, day('2025-01-01', 120), 1000 + Math.floor(rnd() * 3000));
});
afterAll(async () => t.dispose());

const defaults = (kind: string): Partial<MetricQuery> =>
  kind === 'period'
    ? { from: '2025-01-01', to: '2025-04-30' }
    : kind === 'point'
      ? { at: '2025-04-30' }
      : kind === 'bill_month'
        ? { month: '2025-03' }
        : { month: '2025-04' };

/** The widest cut each metric allows among county, product, month. */
const cuts = (m: (typeof METRIC_CATALOG)[number]) =>
  [['county'], (['county', 'product', 'month'] as const).filter((c) => m.cuts.includes(c))] as string[][];

async function bothWays(q: MetricQuery) {
  const agg = await runMetric(t.db, sys, q, { today: TODAY });
  const detail = await runMetric(t.db, sys, q, { today: TODAY, aggregates: false });
  return { agg, detail };
}

async function served(q: MetricQuery): Promise<boolean> {
  const p = await prepareQuery(t.db, sys, q, TODAY);
  return (await fromAggregates(t.db, p.sq)) !== null;
}

describe('metrics aggregates', () => {
  it('are stale (not served) for rows inserted directly until a refresh', async () => {
    expect(await served({ metric: 'receivable', month: '2025-03', by: ['county'], filters: {} })).toBe(false);
    const r = await refreshMetricAggregates(t.db);
    expect(r.slices['metrics.bill']).toBe(8);
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from derived_stale where family like 'metrics.%'`.execute(t.db);
    expect(left.rows[0]?.n).toBe(0);
    // the month rollups follow their day tables (built by the refresh through the triggers)
    const rolled = await sql<{ n: number }>`select (select count(*) from mx_orders_monthly)
      + (select count(*) from mx_cash_monthly) + (select count(*) from mx_terminal_monthly) as n`.execute(
      t.db,
    );
    expect(Number(rolled.rows[0]?.n)).toBeGreaterThan(0);
    expect(await rollupDifferences(t.db)).toEqual(NO_DIFFERENCES);
  });

  it('give the same answers as the detail queries for every metric with default parameters', async () => {
    for (const m of METRIC_CATALOG) {
      for (const by of cuts(m)) {
        const q: MetricQuery = { metric: m.id, by, filters: {}, ...defaults(m.kind) };
        const { agg, detail } = await bothWays(q);
        expect(agg, `${m.id} by ${by.join(',')}`).toEqual(detail);
        if (AGGREGATED_METRICS.includes(m.id)) expect(await served(q), m.id).toBe(true);
      }
      const filtered = { metric: m.id, by: ['county'], filters: { county: 'C02' }, ...defaults(m.kind) };
      const { agg, detail } = await bothWays(filtered);
      expect(agg).toEqual(detail);
    }
  });

  it('answer odd parameters exactly, or leave them to the detail queries', async () => {
    const odd: Partial<MetricQuery>[] = [
      { from: '2025-01-07', to: '2025-03-19' },
      // whole months with a partial month before or after them, or none at all (month rollups + days)
      { from: '2024-12-15', to: '2025-02-28' },
      { from: '2025-02-01', to: '2025-04-12' },
      { from: '2025-02-03', to: '2025-02-20' },
      { from: '2025-01-31', to: '2025-03-01', by: ['county', 'month'] },
      { at: '2025-03-17' },
      { at: '2025-07-31' },
      { month: '2025-02', cutoff: '2025-03-11' },
      { month: '2025-05' },
      { month: '2025-01', n: 2 },
      // one-month periods and month ends before the first install and after the last event month
      { from: '2025-03-01', to: '2025-03-31' },
      { from: '2024-01-01', to: '2024-07-31' },
      { from: '2026-01-01', to: '2026-03-31' },
      { at: '2024-05-31' },
      { at: '2027-01-31' },
      { from: '2026-06-01', to: '2026-08-31', by: ['county', 'month'] },
    ];
    for (const m of METRIC_CATALOG) {
      for (const o of odd) {
        const q: MetricQuery = {
          metric: m.id,
          by: ['county', 'product'].filter((c) => m.cuts.includes(c as 'county')),
          filters: {},
          ...o,
        };
        const a = await runMetric(t.db, sys, q, { today: TODAY }).catch((e: Error) => e.message);
        const b = await runMetric(t.db, sys, q, { today: TODAY, aggregates: false }).catch(
          (e: Error) => e.message,
        );
        expect(a, `${m.id} ${JSON.stringify(o)}`).toEqual(b);
      }
    }
    // payments after the cutoff in the cutoff's month: the pieces of the month before plus the pairs
    // that moved up to the cutoff answer (the figures above are equal to the detail queries')
    const late = await sql<{ n: number }>`select count(*)::int as n from payments
      where bill_month = '2025-02-01' and paid_day between '2025-03-12' and '2025-03-31'`.execute(t.db);
    expect(late.rows[0]?.n).toBeGreaterThan(0);
    for (const o of [
      { metric: 'receivable', month: '2025-02', cutoff: '2025-03-11' },
      { metric: 'current_collection_rate', month: '2025-03', cutoff: '2025-04-09' },
      { metric: 'long_term_arrears', at: '2025-05-17' },
      { metric: 'arrears_aging', at: '2025-04-02' },
      { metric: 'churn_rate', from: '2025-03-01', to: '2025-03-31' },
      { metric: 'churned', from: '2024-01-01', to: '2024-12-31', by: ['month'] },
      { metric: 'active_subscribers', at: '2027-01-31' },
      { metric: 'churn_rate', from: '2026-06-01', to: '2026-08-31', by: ['month'] },
    ])
      expect(await served({ by: [], filters: {}, ...o }), JSON.stringify(o)).toBe(true);
  });

  it('answer every cutoff day of a month exactly (pieces of the month before + the pairs that moved)', async () => {
    for (let k = 0; k < 30; k += 1) {
      const day = addDays('2025-04-01', k);
      for (const o of [
        { metric: 'receivable', month: '2025-03', cutoff: day },
        { metric: 'current_collection_rate', month: '2025-03', cutoff: day },
        { metric: 'current_collected', month: '2025-04', cutoff: day },
        { metric: 'long_term_arrears', at: day },
        { metric: 'arrears_aging', at: day },
        { metric: 'new_long_term_arrears', at: day },
      ]) {
        const q = { by: ['county', 'product'], filters: {}, ...o };
        const { agg, detail } = await bothWays(q);
        expect(agg, JSON.stringify(o)).toEqual(detail);
      }
    }
  });

  it('leave a bill month whose cutoff month moved many pairs to the detail query', async () => {
    const q: MetricQuery = {
      metric: 'current_collection_rate',
      month: '2025-02',
      cutoff: '2025-03-11',
      by: ['county'],
      filters: {},
    };
    expect(await served(q)).toBe(true);
    const keep = AGGREGATE_LIMITS.billMonthMaxMoved;
    AGGREGATE_LIMITS.billMonthMaxMoved = 0;
    try {
      expect(await served(q)).toBe(false);
      const { agg, detail } = await bothWays(q);
      expect(agg).toEqual(detail);
      // arrears figures span many bill months: always answered from the pieces
      expect(await served({ metric: 'long_term_arrears', at: '2025-07-17', by: [], filters: {} })).toBe(true);
    } finally {
      AGGREGATE_LIMITS.billMonthMaxMoved = keep;
    }
  });

  it('never serve a slice a direct write touched, and the after-commit hook brings it back', async () => {
    const q: MetricQuery = {
      metric: 'current_collection_rate',
      month: '2025-03',
      by: ['county'],
      filters: {},
    };
    // a recovered terminal changes the recovery of the disconnect orders up to 30 days before it
    const tq: MetricQuery = {
      metric: 'terminal_recovery_rate',
      from: '2024-06-01',
      to: '2025-05-31',
      by: ['county'],
      filters: {},
    };
    expect(await served(tq)).toBe(true);
    await factories(t.db).move({
      at: '2025-02-10',
      warehouse: 'W1',
      item: 'ONU',
      type: 'recover_in',
      subscriber: 'S3',
    });
    expect(await served(tq)).toBe(false);
    const before = await runMetric(t.db, sys, q, { today: TODAY });
    // an adjustment raises what is due, so the rate's denominator must move
    await factories(t.db).adjustment('S1', '2025-03', '2025-04-02', 99999);
    expect(await served(q)).toBe(false);
    const after = await bothWays(q);
    expect(after.agg).toEqual(after.detail);
    expect(after.agg).not.toEqual(before);
    // a subscriber moved to another county: its bill months and orders are marked too
    await t.db
      .updateTable('subscribers')
      .set({ county_code: 'C03' })
      .where('subscriber_id', '=', 'S2')
      .execute();
    expect(
      await served({
        metric: 'new_installs',
        from: '2024-06-01',
        to: '2025-05-31',
        by: ['county'],
        filters: {},
      }),
    ).toBe(false);
    // what the pipeline runs once a batch has committed
    await runCommittedHooks(t.db, { dataset: 'bills', action: 'apply', changed: true }, (e) => {
      throw e;
    });
    expect(await served(q)).toBe(true);
    expect(await rollupDifferences(t.db)).toEqual(NO_DIFFERENCES);
    for (const m of METRIC_CATALOG) {
      const q2 = { metric: m.id, by: ['county'], filters: {}, ...defaults(m.kind) };
      const { agg, detail } = await bothWays(q2);
      expect(agg, m.id).toEqual(detail);
    }
  });

  it('answer with the reference data of their own snapshot: a county added since the last answer is listed', async () => {
    const q: MetricQuery = {
      metric: 'new_installs',
      from: '2025-01-01',
      to: '2025-03-31',
      by: ['county'],
      filters: {},
    };
    const before = await runMetric(t.db, sys, q, { today: TODAY });
    expect(before.rows.map((r) => r.county)).toEqual(['C01', 'C02', 'C03']);
    await factories(t.db).county('C09');
    const after = await runMetric(t.db, sys, q, { today: TODAY });
    expect(after.rows.map((r) => [r.county, r.value])).toEqual([
      ...before.rows.map((r) => [r.county, r.value]),
      ['C09', 0],
    ]);
    // a filter on it is valid at once
    const only = await runMetric(t.db, sys, { ...q, filters: { county: 'C09' } }, { today: TODAY });
    expect(only.rows).toEqual([{ county: 'C09', value: 0 }]);
    // a query the aggregates cannot answer (a mid-month date: no statement read the version) checks
    // the reference data before the detail query answers
    const odd: MetricQuery = { metric: 'active_subscribers', at: '2025-03-17', by: ['county'], filters: {} };
    expect(await served(odd)).toBe(false);
    await runMetric(t.db, sys, odd, { today: TODAY });
    await factories(t.db).county('C10');
    const listed = await runMetric(t.db, sys, odd, { today: TODAY });
    expect(listed.rows.map((r) => r.county)).toEqual(['C01', 'C02', 'C03', 'C09', 'C10']);
  });

  it.runIf(testEngine() === 'pglite')(
    'prepare the statements that read only aggregates, never one that reads detail rows',
    async () => {
      const statements = async () =>
        (
          await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.db)
        ).rows.map((r) => r.statement);
      await refreshMetricAggregates(t.db);
      // a month-end cutoff: the pieces alone; an odd cutoff: pieces + the pairs that moved (payments)
      await runMetric(
        t.db,
        sys,
        { metric: 'receivable', month: '2025-03', by: [], filters: {} },
        { today: TODAY },
      );
      await runMetric(
        t.db,
        sys,
        { metric: 'receivable', month: '2025-02', cutoff: '2025-03-11', by: [], filters: {} },
        { today: TODAY },
      );
      const prepared = await statements();
      expect(prepared.some((s) => s.includes('mx_bill_state'))).toBe(true);
      expect(prepared.filter((s) => /from payments/.test(s))).toEqual([]);
    },
  );
});
