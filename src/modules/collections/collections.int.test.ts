import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { systemActor, type Actor } from '../../server/rbac.js';
import { addAdjustment, addBill, addPayment, addSubscriber, seedReference } from './test-fixtures.js';
import { collectionCurve, collectionsOverview, owingSubscribers } from './collections.service.js';
import { arrearsOverview, setArrearsTarget } from './arrears.service.js';
import { bulletinHtml, bulletinXlsx, generateBulletin, getBulletin } from './bulletin.service.js';

const system = systemActor('tester');
const manager = (county: string): Actor => ({
  username: `m_${county}`,
  role: 'county_manager',
  auditorLevel: null,
  countyScope: county,
  permissions: new Set(['session', 'collections:read', 'metrics:read', 'followup:work']),
});
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  await seedReference(db);
  await addSubscriber(db, { id: 'P1', county: 'C01', install: '2025-06-01' });
  await addSubscriber(db, { id: 'P2', county: 'C01', install: '2025-06-01' });
  await addSubscriber(db, { id: 'P3', county: 'C02', install: '2025-06-01', name: '欧阳娜娜' });
  await addBill(db, 'P1', '2026-05', 10000);
  await addPayment(db, { sub: 'P1', month: '2026-05', day: '2026-05-20', amount: 4000 });
  await addPayment(db, { sub: 'P1', month: '2026-05', day: '2026-06-03', amount: 6000 });
  await addBill(db, 'P2', '2026-05', 5000);
  await addAdjustment(db, { id: 'J1', sub: 'P2', month: '2026-05', day: '2026-06-02', amount: -1000 });
  await addPayment(db, { sub: 'P2', month: '2026-05', day: '2026-06-05', amount: 2000 });
  await addPayment(db, { sub: 'P2', month: '2026-05', day: '2026-06-10', amount: 10000 });
  await addBill(db, 'P3', '2026-05', 20000);
  await addBill(db, 'P1', '2026-01', 3000);
});
afterAll(async () => {
  await t.dispose();
});

describe('collections page', () => {
  it('gives each county receivable, collected and rate, flags counties below the 98% target', async () => {
    const o = await collectionsOverview(t.db, system, { month: '2026-05' }, { today: '2026-06-15' });
    expect([o.cutoff, o.provisional, o.target_bp]).toEqual(['2026-06-15', true, 9800]);
    expect(
      o.counties.map((c) => [c.county_code, c.receivable, c.collected, c.rate.value, c.below_target]),
    ).toEqual([
      // P1 10000 paid in full; P2 5000 − 1000 adjusted, overpaid: collected capped at 4000
      ['C01', 14000, 14000, 1, false],
      ['C02', 20000, 0, 0, true],
    ]);
    expect([o.city?.receivable, o.city?.collected, o.city?.rate.value]).toEqual([34000, 14000, 0.4118]);
  });

  it('draws the collection curve day by day after the bill month', async () => {
    const c = await collectionCurve(t.db, manager('C01'), { month: '2026-05' }, { today: '2026-06-15' });
    const [cur] = c.series;
    expect(cur?.points).toHaveLength(30);
    expect(cur?.points.slice(0, 10).map((p) => [p.date, p.rate?.numerator, p.rate?.denominator])).toEqual([
      ['2026-06-01', 4000, 15000],
      ['2026-06-02', 4000, 14000],
      ['2026-06-03', 10000, 14000],
      ['2026-06-04', 10000, 14000],
      ['2026-06-05', 12000, 14000],
      ['2026-06-06', 12000, 14000],
      ['2026-06-07', 12000, 14000],
      ['2026-06-08', 12000, 14000],
      ['2026-06-09', 12000, 14000],
      ['2026-06-10', 14000, 14000],
    ]);
    expect(cur?.points[14]?.rate?.value).toBe(1);
    expect(cur?.points[15]?.rate).toBeNull();
    // the previous month and last year have no bills: an empty denominator, not zero
    expect(c.series[1]?.points[0]?.rate).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('lists who still owes for the bill month, masked', async () => {
    const rows = await owingSubscribers(t.db, system, { cutoff: '2026-06-15', month: '2026-05' });
    expect(rows).toEqual([
      {
        subscriber_id: 'P3',
        county_code: 'C02',
        customer_name: '欧**娜',
        phone: '138****5678',
        owed: 20000,
        months: 1,
        oldest_month: '2026-05',
      },
    ]);
  });
});

describe('arrears page', () => {
  it('shows long-term arrears, buckets, trend, debtors and cleanup progress', async () => {
    await setArrearsTarget(t.db, system, {
      year: 2026,
      county: null,
      baseline_date: '2026-09-15',
      amount: 10000,
    });
    await addPayment(t.db, { sub: 'P3', month: '2026-05', day: '2026-09-20', amount: 5000 });
    const a = await arrearsOverview(t.db, system, { at: '2026-09-15' });
    expect(a.counties).toEqual([
      {
        county_code: 'C01',
        long_term: 3000,
        new_long_term: 3000,
        buckets: { '1-3': 0, '4-6': 0, '7-12': 3000, '13-24': 0, '>24': 0 },
      },
      {
        county_code: 'C02',
        long_term: 20000,
        new_long_term: 20000,
        buckets: { '1-3': 0, '4-6': 20000, '7-12': 0, '13-24': 0, '>24': 0 },
      },
    ]);
    // January becomes long-term after EOM(April) (May 31), May after EOM(August)
    expect(
      a.trend
        .filter((x) => x.county_code === 'C02')
        .map((x) => [x.month, x.long_term])
        .slice(-2),
    ).toEqual([
      ['2026-08', 0],
      ['2026-09', 20000],
    ]);
    expect(
      a.trend
        .filter((x) => x.county_code === 'C01')
        .map((x) => [x.month, x.long_term])
        .slice(3, 6),
    ).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
      ['2026-03', 0],
    ]);
    expect(a.debtors.map((d) => [d.subscriber_id, d.owed, d.months])).toEqual([
      ['P3', 20000, 1],
      ['P1', 3000, 1],
    ]);
    const later = await arrearsOverview(t.db, system, { at: '2026-09-30' });
    expect(later.cleanup).toEqual([
      {
        county_code: null,
        year: 2026,
        baseline_date: '2026-09-15',
        baseline: 23000,
        current: 18000,
        cleared: 5000,
        target: 10000,
        progress: { value: 0.5, numerator: 5000, denominator: 10000 },
      },
    ]);
  });
});

describe('bulletin', () => {
  it('ranks counties, compares with the previous period and archives the bulletin', async () => {
    const { bulletin_id, content } = await generateBulletin(t.db, system, 'month', '2026-06');
    expect([content.bill_month, content.cutoff, content.period.from, content.period.to]).toEqual([
      '2026-05',
      '2026-06-30',
      '2026-06-01',
      '2026-06-30',
    ]);
    expect(
      content.rows.map((r) => [
        r.rank,
        r.county_code,
        r.rate.value,
        r.below_target,
        r.previous_rate.value,
        r.change_bp,
        r.long_term,
        r.long_term_previous,
        r.adjustments,
        r.adjustment_level,
      ]),
    ).toEqual([
      [1, 'C01', 1, false, null, null, 3000, 3000, 1000, 'none'],
      [2, 'C02', 0, true, null, null, 0, 0, 0, 'none'],
    ]);
    // regenerating replaces the archived copy, a county user reads only their row
    const again = await generateBulletin(t.db, system, 'month', '2026-06');
    expect(again.bulletin_id).toBe(bulletin_id);
    const mine = await getBulletin(t.db, manager('C02'), bulletin_id);
    expect(mine.rows.map((r) => [r.county_code, r.rank])).toEqual([['C02', 2]]);
    await expect(generateBulletin(t.db, manager('C02'), 'week', '2026-W23')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await bulletinXlsx(content)).subarray(0, 2).toString()).toBe('PK');
    expect(bulletinHtml(content)).toContain('<tr class="below">');
  });
});
