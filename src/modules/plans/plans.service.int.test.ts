import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { systemActor, type Actor } from '../../server/rbac.js';
import { AppError } from '../../core/errors.js';
import { createPlanService, type PlanService } from './plans.service.js';
import { createProgressService, type ProgressService } from './progress.service.js';
import { addBills, addInstalls, seedReference } from './plans.fixtures.js';

let database: TestDatabase;
let plans: PlanService;
let progress: ProgressService;
const admin = systemActor('alice');
const countyUser: Actor = { ...systemActor('bob'), role: 'county_manager', countyScope: 'C02' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedReference(database.db);
  plans = createPlanService({ db: database.db });
  progress = createProgressService({ db: database.db });
  // 2026 installs: C01 150 before Mar 15, C02 40, C03 one after the date
  await addInstalls(database.db, 'C01', '2026-01-10', 60);
  await addInstalls(database.db, 'C01', '2026-02-10', 60);
  await addInstalls(database.db, 'C01', '2026-03-15', 30);
  await addInstalls(database.db, 'C02', '2026-02-01', 40);
  await addInstalls(database.db, 'C03', '2026-03-16', 1);
  // last year: C01 30, C02 10 (C03 none)
  await addInstalls(database.db, 'C01', '2025-06-01', 30);
  await addInstalls(database.db, 'C02', '2025-12-31', 10);
  // revenue, C01 only: Jan 900.00, Feb 1000.00, Mar 500.00 yuan
  await addBills(database.db, 'C01', { '2026-01': 90000, '2026-02': 100000, '2026-03': 50000 });
});
afterAll(async () => database.dispose());

const equal = { kind: 'equal' } as const;
const month = (v: number) => Array(12).fill(v) as number[];

describe('plan versions', () => {
  let v1: number;
  it('creates a draft split by households and publishes it', async () => {
    const d = await plans.create(admin, {
      year: 2026,
      metric: 'new_installs',
      product: null,
      annual: 1200,
      weights: { method: 'households' },
      distribution: equal,
    });
    expect([d.version, d.status, d.annual]).toEqual([1, 'draft', 1200]);
    // 1200 × 300/500, 100/500, 100/500
    expect(d.counties.map((c) => [c.county, c.annual, c.months])).toEqual([
      ['C01', 720, month(60)],
      ['C02', 240, month(20)],
      ['C03', 240, month(20)],
    ]);
    expect(d.counties[0]?.quarters).toEqual([180, 180, 180, 180]);
    const p = await plans.publish(admin, d.plan_id);
    expect([p.status, p.published_by]).toEqual(['published', 'alice']);
    await expect(plans.publish(admin, d.plan_id)).rejects.toThrow(/already published/);
    v1 = d.plan_id;
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'plan')
      .orderBy('audit_id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', entity_id: String(v1) },
      { action: 'publish', entity_id: String(v1) },
    ]);
  });

  it('revises the remaining months only, keeping the past months', async () => {
    const d = await plans.revise(admin, v1, {
      annual: 1500,
      weights: { method: 'households' },
      distribution: equal,
      mode: 'remaining',
      fromMonth: 7,
    });
    // kept 360 + 120 + 120 = 600; remaining 900 → 540/180/180 → 90/30/30 a month from July
    expect([d.version, d.status, d.based_on, d.revision_mode, d.from_month]).toEqual([
      2,
      'draft',
      v1,
      'remaining',
      7,
    ]);
    expect(d.counties.map((c) => [c.county, c.annual, c.months])).toEqual([
      ['C01', 900, [...month(60).slice(0, 6), ...month(90).slice(0, 6)]],
      ['C02', 300, [...month(20).slice(0, 6), ...month(30).slice(0, 6)]],
      ['C03', 300, [...month(20).slice(0, 6), ...month(30).slice(0, 6)]],
    ]);
    const cmp = await plans.compare(admin, v1, d.plan_id);
    expect(cmp.counties[0]).toMatchObject({ county: 'C01', a: 720, b: 900, diff: 180 });
    expect(cmp.counties[0]?.months[6]).toEqual({ a: 60, b: 90, diff: 30 });
    expect(cmp.counties[0]?.months[0]).toEqual({ a: 60, b: 60, diff: 0 });
  });

  it('revises all months', async () => {
    const d = await plans.revise(admin, v1, {
      annual: 1500,
      weights: { method: 'last_year' },
      distribution: equal,
      mode: 'all',
    });
    // last year 30 : 10 : 0 → 1125, 375, 0; 1125/12 = 93 r9 → nine months of 94
    expect(d.counties.map((c) => [c.county, c.annual])).toEqual([
      ['C01', 1125],
      ['C02', 375],
      ['C03', 0],
    ]);
    expect(d.counties[0]?.months).toEqual([...Array(9).fill(94), 93, 93, 93]);
    expect(d.version).toBe(3);
    const list = await plans.list(admin, { year: 2026, metric: 'new_installs' });
    expect(list.map((v) => [v.version, v.status, v.revision_mode])).toEqual([
      [1, 'published', 'all'],
      [2, 'draft', 'remaining'],
      [3, 'draft', 'all'],
    ]);
  });

  it('rejects what the spec rejects, with the reason', async () => {
    const bad = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: unknown) => (e instanceof AppError ? e.message_en : String(e)),
      );
    expect(
      await bad(
        plans.create(admin, {
          year: 2026,
          metric: 'revenue',
          product: null,
          annual: 100050,
          weights: { method: 'households' },
          distribution: equal,
        }),
      ),
    ).toContain('whole yuan');
    expect(
      await bad(
        plans.create(admin, {
          year: 2026,
          metric: 'new_installs',
          product: null,
          annual: -5,
          weights: { method: 'households' },
          distribution: equal,
        }),
      ),
    ).toContain('only net_adds may be negative');
    expect(
      await bad(
        plans.create(admin, {
          year: 2025,
          metric: 'new_installs',
          product: null,
          annual: 5,
          weights: { method: 'last_year' },
          distribution: equal,
        }),
      ),
    ).toContain('all zero');
    expect(
      await bad(
        plans.create(admin, {
          year: 2026,
          metric: 'new_installs',
          product: null,
          annual: 5,
          weights: { method: 'households' },
          distribution: { kind: 'custom', percents: month(8) },
        }),
      ),
    ).toContain('96, 4 short of 100');
    expect(
      await bad(
        plans.create(admin, {
          year: 2026,
          metric: 'new_installs',
          product: 'PX',
          annual: 5,
          weights: { method: 'households' },
          distribution: equal,
        }),
      ),
    ).toContain('Unknown product line: PX');
  });
});

describe('progress against actuals', () => {
  it('uses the published version; ranks and lights each county', async () => {
    const p = await progress.progress(admin, {
      year: 2026,
      metric: 'new_installs',
      product: null,
      at: '2026-03-15',
    });
    expect([p.date_used, p.plan.version]).toEqual(['2026-03-15', 1]);
    // C01: 120 + 60 × 15/31 = 149.03 → 149; C02/C03: 40 + 20 × 15/31 = 49.68 → 50
    expect(
      p.rows.map((r) => [
        r.county,
        r.plan_to_date,
        r.actual_ytd,
        r.gap_to_schedule,
        r.schedule_attainment.value,
        r.rank,
        r.light,
      ]),
    ).toEqual([
      ['C01', 149, 150, 1, 1.0067, 1, 'green'],
      ['C02', 50, 40, -10, 0.8, 2, 'red'],
      ['C03', 50, 0, -50, 0, 3, 'red'],
    ]);
    expect(p.rows[0]?.completion_rate).toEqual({ value: 0.2083, numerator: 150, denominator: 720 });
    expect(p.rows[0]?.time_progress).toEqual({ value: 0.2027, numerator: 74, denominator: 365 });
    expect(p.monthly[0]).toEqual({
      county: 'C01',
      plan: month(60),
      actual: [60, 60, 30, ...Array(9).fill(null)],
    });
    expect(p.cumulative.actual.slice(0, 4)).toEqual([60, 160, 190, null]);
  });

  it('a county user sees only their county, ranked among all', async () => {
    const p = await progress.progress(countyUser, {
      year: 2026,
      metric: 'new_installs',
      product: null,
      at: '2026-03-15',
    });
    expect(p.rows.map((r) => [r.county, r.rank])).toEqual([['C02', 2]]);
    await expect(
      progress.progress(countyUser, {
        year: 2026,
        metric: 'new_installs',
        product: null,
        at: '2026-03-15',
        county: 'C01',
      }),
    ).rejects.toThrow(/own county/);
  });

  it('revenue: shifted to the previous month end, and January gives zeros and null attainment', async () => {
    await plans.create(admin, {
      year: 2026,
      metric: 'revenue',
      product: null,
      annual: 1200000,
      weights: { method: 'manual', values: { C01: 1 } },
      distribution: equal,
      publish: true,
    });
    const p = await progress.progress(admin, {
      year: 2026,
      metric: 'revenue',
      product: null,
      at: '2026-03-15',
    });
    // at Feb 28: plan 2 × 100000, actual 90000 + 100000 = 190000 → 0.95 amber
    expect(p.date_used).toBe('2026-02-28');
    expect(p.rows[0]).toMatchObject({
      county: 'C01',
      plan_to_date: 200000,
      actual_ytd: 190000,
      gap_to_schedule: -10000,
      light: 'amber',
      rank: 1,
    });
    expect(p.rows[0]?.schedule_attainment).toEqual({ value: 0.95, numerator: 190000, denominator: 200000 });
    const jan = await progress.progress(admin, {
      year: 2026,
      metric: 'revenue',
      product: null,
      at: '2026-01-20',
    });
    expect(jan.date_used).toBe('2025-12-31');
    expect(jan.rows[0]).toMatchObject({
      plan_to_date: 0,
      actual_ytd: 0,
      time_progress: { value: 0, numerator: 0, denominator: 365 },
      schedule_attainment: { value: null, numerator: 0, denominator: 0 },
    });
  });

  it('forecasts the year end', async () => {
    const f = await progress.forecast(admin, {
      year: 2026,
      metric: 'new_installs',
      product: null,
      at: '2026-03-31',
    });
    // C02: ptd 60, actual 40 → 40 + 180 × 40/60 = 160; needed (240 − 40)/9 = 22.2 → 22
    // last year C02 10 all in December: cumulative to Mar 31 is 0 → no run rate
    expect(f.rows[1]).toMatchObject({
      county: 'C02',
      plan_to_date: 60,
      actual_ytd: 40,
      by_attainment: 160,
      gap_by_attainment: -80,
      by_run_rate: null,
      remaining_months: 9,
      needed_monthly: 22,
    });
    // C01: ptd 180, actual 150 → 150 + 540 × 150/180 = 600; last year 30 all by June: cum at Mar 31 is 0 → null
    expect(f.rows[0]).toMatchObject({ by_attainment: 600, needed_monthly: 63 });
  });
});
