import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { factories } from '../../../test/support/factories.js';
import { importFile } from '../../ingest/pipeline/import-file.js';
import { loadReference, ok, tempDir } from '../../ingest/pipeline/test/fixtures.js';
import type { DatasetKey } from '../../datasets/index.js';
import { systemActor } from '../../server/rbac.js';
import { runMetric, type MetricQuery } from '../index.js';
import { lastIncremental } from './incremental.js';
import { lastRefresh } from './register.js';
import { NO_DIFFERENCES, rollupDifferences } from './test/rollups.js';
import { markAllStale, refreshMetricAggregates } from './refresh.js';

/*
 * Small batches are folded into the aggregates inside their own transaction (incremental.ts). The
 * check that matters: after every batch the aggregate tables hold exactly what a full rebuild from
 * the detail tables gives, and the figures equal the detail queries.
 */

let t: TestDatabase;
const files = tempDir('inc');
const sys = systemActor('inc');
const TODAY = '2026-07-15';
let n = 0;

async function load(dataset: DatasetKey, lines: string[]) {
  n += 1;
  const r = await importFile(t, {
    dataset,
    filePath: files.write(`${dataset}_${n}.csv`, lines),
    actor: 'test',
  });
  expect(ok(r).status, JSON.stringify(r.errors)).toBe('imported');
  return r;
}

const PAY = 'payment_id,subscriber_id,bill_month,paid_at,amount,channel,outlet_code,operator_id';
const ADJ = 'adjustment_id,subscriber_id,bill_month,adjusted_at,amount,reason,approver_id';
const BILL = 'subscriber_id,bill_month,amount';

/** The aggregate tables, folded per group, zero groups dropped: what the figures are read from. */
async function tables() {
  const state =
    await sql`select bill_month::text, county_code, product_code, valid_from::text, valid_to::text,
      sum(due)::bigint as due, sum(collected)::bigint as collected, sum(owed)::bigint as owed
    from mx_bill_state group by 1, 2, 3, 4, 5
    having sum(due) <> 0 or sum(collected) <> 0 or sum(owed) <> 0 order by 1, 2, 3, 4 nulls first, 5 nulls first`.execute(
      t.db,
    );
  const revenue =
    await sql`select bill_month::text, adj_month::text, county_code, product_code, sum(amount)::bigint as amount
    from mx_revenue group by 1, 2, 3, 4 having sum(amount) <> 0 order by 1, 2 nulls first, 3, 4`.execute(
      t.db,
    );
  const cash =
    await sql`select outlet_code, day::text, expected, banked from mx_cash_daily order by 1, 2`.execute(t.db);
  const lastday = await sql<{ bill_month: string; event_month: string; last_day: string }>`
    select bill_month::text, event_month::text, last_day::text from mx_bill_lastday order by 1, 2`.execute(
    t.db,
  );
  return { state: state.rows, revenue: revenue.rows, cash: cash.rows, lastday: lastday.rows };
}

/** Incremental result vs a rebuild of everything from the detail tables. */
async function expectSameAsRebuild() {
  expect(await rollupDifferences(t.db)).toEqual(NO_DIFFERENCES);
  const inc = await tables();
  await markAllStale(t.db);
  await refreshMetricAggregates(t.db);
  const full = await tables();
  expect(inc.state).toEqual(full.state);
  expect(inc.revenue).toEqual(full.revenue);
  expect(inc.cash).toEqual(full.cash);
  // the last event day only grows incrementally: never below the true one, same (bill, event) months
  expect(inc.lastday.map((r) => [r.bill_month, r.event_month])).toEqual(
    full.lastday.map((r) => [r.bill_month, r.event_month]),
  );
  inc.lastday.forEach((r, i) => expect(r.last_day >= (full.lastday[i]?.last_day ?? '')).toBe(true));
}

const QUERIES: Partial<MetricQuery>[] = [
  { metric: 'current_collection_rate', month: '2026-03' },
  { metric: 'current_collection_rate', month: '2026-04' },
  { metric: 'receivable', month: '2026-04', cutoff: '2026-05-10' },
  { metric: 'long_term_arrears', at: '2026-08-31' },
  { metric: 'arrears_aging', at: '2026-06-30' },
  { metric: 'revenue', from: '2026-03-01', to: '2026-04-30' },
  { metric: 'cash_gap', from: '2026-03-01', to: '2026-05-31', by: ['county', 'outlet'] },
];

async function expectFiguresAsDetail() {
  for (const p of QUERIES) {
    const q = { by: ['county', 'product'], filters: {}, ...p } as MetricQuery;
    const a = await runMetric(t.db, sys, q, { today: TODAY });
    const b = await runMetric(t.db, sys, q, { today: TODAY, aggregates: false });
    expect(a, JSON.stringify(p)).toEqual(b);
  }
}

const staleBillOrCash = async () =>
  (
    await sql<{ n: number }>`select count(*)::int as n from derived_stale
      where family in ('metrics.bill', 'metrics.cash')`.execute(t.db)
  ).rows[0]?.n;

beforeAll(async () => {
  t = await createTestDatabase();
  await loadReference(t, files);
  await load('subscribers', [
    'subscriber_id,account_id,customer_name,county_code,outlet_code,product_code,package_code,install_date,status',
    'S3,A3,王五,C01,O1,BB,P100,2026-01-07,normal',
    'S4,A4,赵六,C02,O2,MB,M58,2026-01-20,normal',
    'S5,A5,钱七,C01,O1,MB,M58,2026-02-02,normal',
    'S6,A6,孙八,C02,O2,BB,P100,2026-02-03,normal',
  ]);
});
afterAll(async () => {
  await t.dispose();
  files.remove();
});

describe('incremental aggregate maintenance inside the batch transaction', () => {
  it('folds a small bills batch in and leaves no bill mark for the after-commit refresh', async () => {
    const subs = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
    await load('bills', [
      BILL,
      ...subs.map((s, i) => `${s},2026-03,${100 + i * 10}.00`),
      ...subs.slice(0, 5).map((s, i) => `${s},2026-04,${58 + i}.50`),
    ]);
    expect(lastIncremental()).toMatchObject({ dataset: 'bills', rows: 11, pairs: 11 });
    expect(lastRefresh()?.slices['metrics.bill']).toBeUndefined();
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();
  });

  it('folds payments in: partial, over-, cash and prepayments, a pair without a bill', async () => {
    await load('payments', [
      PAY,
      'P1,S1,2026-03,2026-04-03 10:00,50.00,cash,O1,E1',
      'P2,S1,2026-03,2026-04-20 11:00,80.00,cash,O1,E1', // over-payment: collected is capped at due
      'P3,S2,2026-03,2026-05-02 09:30,110.00,bank,,', // after the default cutoff of 2026-03
      'P4,S3,2026-04,2026-05-09 16:00,30.00,cash,O1,E2',
      'P5,S6,2026-05,2026-05-09 16:10,20.00,cash,O2,E3', // no bill for 2026-05
      'P6,S4,,2026-05-09 17:00,99.00,cash,O2,E3', // prepayment: no bill month
    ]);
    expect(lastIncremental()).toMatchObject({ dataset: 'payments', rows: 6, pairs: 4, days: 4 });
    expect(lastRefresh()?.slices).toEqual({});
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();
  });

  it('folds adjustments in, a negative one flooring what is due at zero', async () => {
    await load('adjustments', [
      ADJ,
      'J1,S1,2026-03,2026-04-05 10:00,-20.00,goodwill,M1',
      'J2,S5,2026-03,2026-05-12 10:00,-500.00,write-off,M1',
      'J3,S4,2026-04,2026-06-01 10:00,12.34,correction,M1',
    ]);
    expect(lastIncremental()).toMatchObject({ dataset: 'adjustments', rows: 3, pairs: 3 });
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();
  });

  it('replaces rows: the versions a batch replaced are taken out, the new ones put in', async () => {
    await load('payments', [
      PAY,
      'P1,S1,2026-04,2026-05-03 10:00,45.00,cash,O2,E1', // other bill month, day, outlet and amount
      'P2,S1,2026-03,2026-04-20 11:00,80.00,bank,,', // no longer cash
      'P7,S5,2026-04,2026-05-20 08:00,61.50,online,,',
    ]);
    expect(lastIncremental()).toMatchObject({ dataset: 'payments', rows: 3 });
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();

    await load('bills', [BILL, 'S1,2026-03,90.00', 'S6,2026-04,7.00']);
    await load('adjustments', [ADJ, 'J1,S1,2026-04,2026-05-05 10:00,-5.00,goodwill,M1']);
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();
  });

  it('keeps a mark an earlier write left, so the after-commit refresh still rebuilds that month', async () => {
    // a direct write (not through the pipeline) marks 2026-04 stale in its own transaction
    await factories(t.db).adjustment('S2', '2026-04', '2026-05-15', 1000);
    expect(await staleBillOrCash()).toBe(1);
    await load('payments', [PAY, 'P8,S2,2026-04,2026-05-16 10:00,5.00,bank,,']);
    // the batch's own mark was cleared in its transaction, the earlier one only by the refresh
    expect(lastRefresh()?.slices['metrics.bill']).toBe(1);
    expect(await staleBillOrCash()).toBe(0);
    await expectSameAsRebuild();
    await expectFiguresAsDetail();
  });
});
