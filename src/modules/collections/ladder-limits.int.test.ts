import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { systemActor, type Actor } from '../../server/rbac.js';
import { addAdjustment, addOrder, addSubscriber, seedReference } from './test-fixtures.js';
import { ladderFlows, longDualStops, stateDurations } from './stop-ladder.service.js';
import { adjustmentLimitStatus, listAdjustments, setAdjustmentLimits } from './limits.service.js';

const system = systemActor('tester');
const manager = (county: string): Actor => ({
  username: `m_${county}`,
  role: 'county_manager',
  auditorLevel: null,
  countyScope: county,
  permissions: new Set(['session', 'collections:read', 'followup:work']),
});
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  await seedReference(db);
  // C01 ladder
  await addSubscriber(db, { id: 'A', county: 'C01', install: '2026-01-10' });
  await addOrder(db, { id: 'A1', sub: 'A', type: 'single_stop', at: '2026-03-05' });
  await addOrder(db, { id: 'A2', sub: 'A', type: 'dual_stop', at: '2026-03-20' });
  await addOrder(db, { id: 'A3', sub: 'A', type: 'resume', at: '2026-04-10' });
  await addSubscriber(db, {
    id: 'B',
    county: 'C01',
    install: '2026-01-10',
    status: 'disconnected',
    disconnect: '2026-05-15',
  });
  // same completion time: (order_date, order_id) puts the resume last
  await addOrder(db, { id: 'X1', sub: 'B', type: 'single_stop', at: '2026-03-31 10:00:00' });
  await addOrder(db, { id: 'X2', sub: 'B', type: 'resume', at: '2026-03-31 10:00:00' });
  await addOrder(db, { id: 'X3', sub: 'B', type: 'dual_stop', at: '2026-04-02' });
  await addOrder(db, { id: 'X4', sub: 'B', type: 'dual_stop', at: '2026-04-20' }); // repeat: no new spell
  await addSubscriber(db, { id: 'C', county: 'C01', install: '2026-03-15' });
  await addSubscriber(db, { id: 'D', county: 'C01', install: '2025-12-01' });
  // C02: two subscribers still in dual stop
  await addSubscriber(db, { id: 'E', county: 'C02', install: '2026-01-10' });
  await addOrder(db, { id: 'E1', sub: 'E', type: 'dual_stop', at: '2026-04-01' });
  await addSubscriber(db, { id: 'F', county: 'C02', install: '2026-01-10' });
  await addOrder(db, { id: 'F1', sub: 'F', type: 'dual_stop', at: '2026-05-15' });
  // adjustments of June: C01 reduces 80 yuan (and adds 5), C02 reduces 120
  await addAdjustment(db, {
    id: 'J1',
    sub: 'A',
    month: '2026-05',
    day: '2026-06-03',
    amount: -8000,
    reason: '资费争议',
    approver: 'boss',
  });
  await addAdjustment(db, { id: 'J2', sub: 'D', month: '2026-05', day: '2026-06-04', amount: 500 });
  await addAdjustment(db, { id: 'J3', sub: 'E', month: '2026-05', day: '2026-06-30', amount: -12000 });
});
afterAll(async () => {
  await t.dispose();
});

describe('stop ladder', () => {
  it('counts transitions between month-end states from the orders', async () => {
    const { flows, counts } = await ladderFlows(t.db, system, {
      from: '2026-03',
      to: '2026-05',
      county: 'C01',
    });
    expect(flows.map((f) => `${f.month} ${f.from}>${f.to} ${f.count}`)).toEqual([
      '2026-03 normal>dual_stop 1',
      '2026-03 normal>normal 2',
      '2026-03 new>normal 1',
      '2026-04 dual_stop>normal 1',
      '2026-04 normal>dual_stop 1',
      '2026-04 normal>normal 2',
      '2026-05 dual_stop>disconnected 1',
      '2026-05 normal>normal 3',
    ]);
    expect(counts.filter((c) => c.month === '2026-04').map((c) => [c.state, c.count])).toEqual([
      ['normal', 3],
      ['dual_stop', 1],
    ]);
  });

  it('keeps a county user to their county', async () => {
    const { flows } = await ladderFlows(t.db, manager('C02'), { from: '2026-05', to: '2026-05' });
    expect(flows.map((f) => `${f.county_code} ${f.from}>${f.to} ${f.count}`)).toEqual([
      'C02 dual_stop>dual_stop 1',
      'C02 normal>dual_stop 1',
    ]);
    await expect(
      ladderFlows(t.db, manager('C02'), { from: '2026-05', to: '2026-05', county: 'C01' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('measures time spent in each stop state', async () => {
    const { durations } = await stateDurations(t.db, system, { at: '2026-06-30' });
    expect(durations).toEqual([
      // A 03-20 → 04-10 = 21 days, B 04-02 → disconnected 05-15 = 43 days: 32
      { county_code: 'C01', state: 'dual_stop', ended: 2, avg_days: 32, current: 0 },
      // A 03-05 → 03-20 = 15 days, B 0 days: 7.5 rounds half up to 8
      { county_code: 'C01', state: 'single_stop', ended: 2, avg_days: 8, current: 0 },
      { county_code: 'C02', state: 'dual_stop', ended: 0, avg_days: null, current: 2 },
    ]);
  });

  it('lists subscribers in dual stop longer than N days', async () => {
    const d60 = await longDualStops(t.db, system, { at: '2026-06-30' });
    expect([d60.days, d60.rows.map((r) => [r.subscriber_id, r.entered, r.days])]).toEqual([
      60,
      [['E', '2026-04-01', 90]],
    ]);
    const d45 = await longDualStops(t.db, system, { at: '2026-06-30', days: 45 });
    expect(d45.rows.map((r) => [r.subscriber_id, r.days])).toEqual([
      ['E', 90],
      ['F', 46],
    ]);
  });
});

describe('adjustment limits', () => {
  it('alerts at 80% and past 100% of the limit, for counties and the city', async () => {
    await setAdjustmentLimits(t.db, system, { months: ['2026-06'], county: 'C01', amount: 10000 });
    await setAdjustmentLimits(t.db, system, { months: ['2026-06'], county: 'C02', amount: 10000 });
    await setAdjustmentLimits(t.db, system, { months: ['2026-05', '2026-06'], county: null, amount: 30000 });
    const s = await adjustmentLimitStatus(t.db, system, { from: '2026-05', to: '2026-06' });
    expect(
      s.cells.map((c) => [c.month, c.county_code, c.total, c.limit, c.usage?.value ?? null, c.level]),
    ).toEqual([
      ['2026-05', 'C01', 0, null, null, 'none'],
      ['2026-06', 'C01', 8000, 10000, 0.8, 'warning'],
      ['2026-05', 'C02', 0, null, null, 'none'],
      ['2026-06', 'C02', 12000, 10000, 1.2, 'over'],
      ['2026-05', null, 0, 30000, 0, 'ok'],
      ['2026-06', null, 20000, 30000, 0.6667, 'ok'],
    ]);
    expect(s.alerts.map((a) => [a.county_code, a.level])).toEqual([
      ['C01', 'warning'],
      ['C02', 'over'],
    ]);
  });

  it('updates a limit in place and audits it', async () => {
    await setAdjustmentLimits(t.db, system, { months: ['2026-06'], county: 'C01', amount: 7000 });
    const s = await adjustmentLimitStatus(t.db, manager('C01'), { from: '2026-06', to: '2026-06' });
    expect(s.cells.map((c) => [c.county_code, c.limit, c.level])).toEqual([['C01', 7000, 'over']]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'adjustment_limit')
      .where('entity_id', '=', '2026-06:C01')
      .orderBy('audit_id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', before: null, after: { limit: 10000 } },
      { action: 'update', before: { limit: 10000 }, after: { limit: 7000 } },
    ]);
  });

  it('refuses limits from a user without collections:write and bad amounts', async () => {
    await expect(
      setAdjustmentLimits(t.db, manager('C01'), { months: ['2026-06'], county: 'C01', amount: 1 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      setAdjustmentLimits(t.db, system, { months: ['2026-06'], county: 'C01', amount: -1 }),
    ).rejects.toMatchObject({ code: 'validation' });
  });

  it('lists adjustments with reason and approver, masked names, county-scoped', async () => {
    const rows = await listAdjustments(t.db, manager('C01'), { month: '2026-06' });
    expect(rows.map((r) => [r.adjustment_id, r.amount, r.reason, r.approver_id, r.customer_name])).toEqual([
      ['J2', 500, null, null, '张*丰'],
      ['J1', -8000, '资费争议', 'boss', '张*丰'],
    ]);
  });
});
