import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { systemActor } from '../../server/rbac.js';
import { addBill, addPayment, addSubscriber, seedReference } from './test-fixtures.js';
import { buildBulletin } from './bulletin.service.js';

const system = systemActor('tester');
let t: TestDatabase;

/**
 * C01 has two subscribers billed 100.00 yuan each for September and October 2026.
 * September: Q1 pays 100.00 on 10-01, Q2 pays 96.00 on 10-20 (rate at 10-01 50%, at 10-25 98%).
 * October: Q1 pays 50.00 on 11-01, Q2 pays 100.00 on 11-05 (rate at 11-01 25%, at 11-08 75%).
 */
beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  await seedReference(db, ['C01']);
  for (const id of ['Q1', 'Q2']) {
    await addSubscriber(db, { id, county: 'C01', install: '2025-01-01' });
    await addBill(db, id, '2026-09', 10000);
    await addBill(db, id, '2026-10', 10000);
  }
  await addPayment(db, { sub: 'Q1', month: '2026-09', day: '2026-10-01', amount: 10000 });
  await addPayment(db, { sub: 'Q2', month: '2026-09', day: '2026-10-20', amount: 9600 });
  await addPayment(db, { sub: 'Q1', month: '2026-10', day: '2026-11-01', amount: 5000 });
  await addPayment(db, { sub: 'Q2', month: '2026-10', day: '2026-11-05', amount: 10000 });
});
afterAll(async () => {
  await t.dispose();
});

const change = async (week: string) => {
  const b = await buildBulletin(t.db, system, 'week', week);
  const [r] = b.rows;
  return [
    b.comparison?.rule,
    r?.rate.numerator,
    r?.previous_rate.numerator,
    r?.previous_rate.denominator,
    r?.change_bp,
  ];
};

describe('bulletin change vs last period (like-for-like)', () => {
  it('W44: October at day 1 (25%) vs September at day 1 (50%), not September at 10-25 (98%)', async () => {
    // the old rule gave 25% − 98% = −7300 bp
    expect(await change('2026-W44')).toEqual(['previous_bill_month', 5000, 10000, 20000, -2500]);
  });
  it('W45: October at 11-08 (75%) vs October at 11-01 (25%)', async () => {
    expect(await change('2026-W45')).toEqual(['same_bill_month', 15000, 5000, 20000, 5000]);
  });
  it('month 2026-11: October final (75%) vs September final (98%)', async () => {
    const b = await buildBulletin(t.db, system, 'month', '2026-11');
    expect(b.rows.map((r) => [r.rate.value, r.previous_rate.value, r.change_bp])).toEqual([
      [0.75, 0.98, -2300],
    ]);
  });
});
